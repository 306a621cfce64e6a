// Package title defines the learning-title enum shared by the schema, the
// API and the domain packages.
package title

import (
	"fmt"
	"io"
	"strconv"
)

// Title is a learning title.
type Title string

// The titles of DOMAIN.md.
const (
	Family            Title = "LEARNING_FAMILY"
	Clan              Title = "LEARNING_CLAN"
	Community         Title = "LEARNING_COMMUNITY"
	Unit              Title = "LEARNING_UNIT"
	Citizen           Title = "LEARNING_CITIZEN"
	CommunityCommune  Title = "COMMUNITY_COMMUNE"
	CommunityDistrict Title = "COMMUNITY_DISTRICT"
	CommunityProvince Title = "COMMUNITY_PROVINCE"
)

// All lists the titles in report order.
var All = []Title{Family, Clan, Community, Unit, Citizen, CommunityCommune, CommunityDistrict, CommunityProvince}

// Values implements ent's EnumValues.
func (Title) Values() []string {
	vs := make([]string, len(All))
	for i, t := range All {
		vs[i] = string(t)
	}
	return vs
}

// Valid reports whether t is a known title.
func (t Title) Valid() bool {
	for _, x := range All {
		if x == t {
			return true
		}
	}
	return false
}

// MarshalGQL writes the title as a GraphQL enum value.
func (t Title) MarshalGQL(w io.Writer) { io.WriteString(w, strconv.Quote(string(t))) }

// UnmarshalGQL reads a GraphQL enum value, refusing unknown titles.
func (t *Title) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok || !Title(s).Valid() {
		return fmt.Errorf("%v is not a valid Title", v)
	}
	*t = Title(s)
	return nil
}
