// Package spec describes a reorganisation of the administrative tree as
// data: the changes a decision makes, stored with the decision and read by
// the planner. It depends on nothing else of hoctap, so the ent schema can
// hold it.
package spec

// Kind is what a change does.
type Kind string

// The kinds of change.
const (
	// Merge closes its Sources and carries everything in them into
	// Successor, an existing unit or a new one. A province merge is a
	// merge of provinces.
	Merge Kind = "MERGE"
	// Split closes its one Source and shares what it holds among Parts:
	// each part's villages go to its successor, everything else to the
	// first part.
	Split Kind = "SPLIT"
	// Move carries its one Source, with everything below it, under Parent.
	Move Kind = "MOVE"
	// AbolishTier closes every open unit of Level below Within and
	// re-attaches what each held to the unit above it, as the 2025 reform
	// did with districts.
	AbolishTier Kind = "ABOLISH_TIER"
	// Close closes its Sources, which must hold no open unit or learning
	// unit.
	Close Kind = "CLOSE"
	// Create adds the New unit.
	Create Kind = "CREATE"
	// Rename gives its one Source New's code, name and type, in place.
	Rename Kind = "RENAME"
)

// Kinds lists every kind, in the order a plan reports them.
var Kinds = []Kind{Create, Rename, Merge, Split, Move, AbolishTier, Close}

// Unit is a unit the change makes. Key names it within the plan, so that
// another new unit can sit under it (ParentKey) or a change can carry
// things into it; Parent is an existing unit instead.
type Unit struct {
	Key           string `json:"key,omitempty"`
	Code          string `json:"code"`
	Name          string `json:"name"`
	Type          string `json:"type"`
	Level         string `json:"level"`
	ParentID      int    `json:"parentID,omitempty"`
	ParentKey     string `json:"parentKey,omitempty"`
	Disadvantaged bool   `json:"disadvantaged,omitempty"`
}

// Target is where a change carries things: an existing unit (ID) or a new
// one (New), or a new one made by another change of the plan (Key).
type Target struct {
	ID  int    `json:"id,omitempty"`
	Key string `json:"key,omitempty"`
	New *Unit  `json:"new,omitempty"`
}

// Part is one share of a split: its successor and the villages it takes.
type Part struct {
	Successor Target `json:"successor"`
	Villages  []int  `json:"villages,omitempty"`
}

// Change is one change of a reorganisation. Which fields count depends on
// Kind (see the constants).
type Change struct {
	Kind      Kind    `json:"kind"`
	Sources   []int   `json:"sources,omitempty"`
	Successor *Target `json:"successor,omitempty"`
	Parts     []Part  `json:"parts,omitempty"`
	ParentID  int     `json:"parentID,omitempty"`
	// ParentKey is, for a move, a new unit of the plan to move under
	// instead of the existing ParentID.
	ParentKey string `json:"parentKey,omitempty"`
	Level     string `json:"level,omitempty"`
	WithinID  int    `json:"withinID,omitempty"`
	New       *Unit  `json:"new,omitempty"`
	// Note says where the change came from, e.g. the catalogue row.
	Note string `json:"note,omitempty"`
}

// UserScope is the admin's choice of a new scope for an account whose scope
// a change closes, overriding the plan's default.
type UserScope struct {
	UserID  int `json:"userID"`
	ScopeID int `json:"scopeID,omitempty"`
	// ScopeKey names a unit the plan makes instead of an existing one.
	ScopeKey string `json:"scopeKey,omitempty"`
}

// Spec is everything a reorganisation changes.
type Spec struct {
	Changes    []Change    `json:"changes"`
	UserScopes []UserScope `json:"userScopes,omitempty"`
}
