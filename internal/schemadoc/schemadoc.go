// Package schemadoc describes the GraphQL schema entgql generates from the
// ent schema, as an entgql schema hook (ent/entc.go): the types and fields
// from the ent schema's comments, and the generated patterns (where-input
// predicates, order fields, mutation-input ids, node ids) by what they do.
// The schema is the documentation client teams read, and graph's
// TestDescriptions fails on anything left undescribed.
package schemadoc

import (
	"encoding/json"
	"fmt"
	"strings"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc/gen"
	"entgo.io/ent/schema"
	"github.com/vektah/gqlparser/v2/ast"
)

// Enum describes an enum field's GraphQL type and each of its values, which
// entgql has no annotation for. Put it on the ent field:
//
//	field.Enum("level").Values("COUNTRY", …).Annotations(schemadoc.Enum{Type: "…", Values: map[string]string{"COUNTRY": "…"}})
type Enum struct {
	// Type describes the enum type; empty takes the field's comment.
	Type string `json:"type,omitempty"`
	// Values describes each value by its name.
	Values map[string]string `json:"values,omitempty"`
}

// Name implements schema.Annotation.
func (Enum) Name() string { return "SchemaDocEnum" }

// Order describes the order-field value (entgql.OrderField) a field
// carries, where "orders by the field" would not say enough: a collation
// key orders by another field's text.
type Order string

// Name implements schema.Annotation.
func (Order) Name() string { return "SchemaDocOrder" }

var (
	_ schema.Annotation = Enum{}
	_ schema.Annotation = Order("")
)

// The root type and the code-generation directives entgql declares in
// ent.graphql.
const (
	queryDoc   = "What a client can read. Every answer holds only what the viewer's role and scope let them read: an object out of scope reads as if it did not exist (node answers null, lists leave it out)."
	goFieldDoc = "Code generation only (gqlgen): binds a field to a Go struct field or forces a resolver. It means nothing to clients."
	goModelDoc = "Code generation only (gqlgen): binds a type to a Go type. It means nothing to clients."
)

var directiveArgDocs = map[string]string{
	"goField.forceResolver": "Generate a resolver for the field instead of reading a struct field.",
	"goField.name":          "The Go struct field the GraphQL field reads.",
	"goField.omittable":     "Tell an input field left out from one sent as null.",
	"goModel.model":         "The Go type the GraphQL type binds to.",
	"goModel.models":        "The Go types the GraphQL type may bind to.",
	"goModel.forceGenerate": "Generate the Go type even though it is bound.",
}

// Describe is the schema hook: it fills every description entgql leaves
// empty, or fills with a placeholder, and never overwrites one written by
// hand.
func Describe(g *gen.Graph, s *ast.Schema) error {
	describeRoots(s)
	for _, n := range g.Nodes {
		gqlName, err := typeName(n)
		if err != nil {
			return err
		}
		def := s.Types[gqlName]
		if def == nil {
			continue
		}
		if err := describeNode(n, def, s); err != nil {
			return fmt.Errorf("describe %s: %w", n.Name, err)
		}
	}
	return nil
}

func describeRoots(s *ast.Schema) {
	if q := s.Types["Query"]; q != nil && q.Description == "" {
		q.Description = queryDoc
	}
	for name, doc := range map[string]string{"goField": goFieldDoc, "goModel": goModelDoc} {
		d := s.Directives[name]
		if d == nil {
			continue
		}
		if d.Description == "" {
			d.Description = doc
		}
		for _, a := range d.Arguments {
			if a.Description == "" {
				a.Description = directiveArgDocs[name+"."+a.Name]
			}
		}
	}
}

func describeNode(n *gen.Type, def *ast.Definition, s *ast.Schema) error {
	noun := nounOf(def.Name)
	if text := schemaComment(n); text != "" {
		def.Description = text
	}
	if f := def.Fields.ForName("id"); f != nil && f.Description == "" {
		f.Description = fmt.Sprintf("Opaque global id of the %s: pass it to node(id:) and wherever an argument asks for one. Clients must not read anything into it.", singularNoun(def.Name))
	}
	// entgql describes unique edges by their comment but not connections.
	for _, e := range n.Edges {
		if f := def.Fields.ForName(camel(e.Name)); f != nil && f.Description == "" && e.Comment() != "" {
			f.Description = e.Comment()
		}
	}
	for _, f := range n.Fields {
		if !f.IsEnum() {
			continue
		}
		if err := describeEnum(n, f, s); err != nil {
			return err
		}
	}
	if err := describeOrder(n, noun, s.Types[def.Name+"OrderField"]); err != nil {
		return err
	}
	if err := describeWhere(n, noun, s.Types[def.Name+"WhereInput"]); err != nil {
		return err
	}
	for _, prefix := range []string{"Create", "Update"} {
		describeMutationInput(n, s.Types[prefix+def.Name+"Input"], prefix == "Update")
	}
	return nil
}

// describeEnum describes the GraphQL enum of an enum field from its
// schemadoc.Enum annotation, replacing entgql's "X is enum for the field
// y".
func describeEnum(n *gen.Type, f *gen.Field, s *ast.Schema) error {
	ant, err := gqlAnnotation(f.Annotations)
	if err != nil {
		return err
	}
	name := ant.Type
	if name == "" {
		name = n.Name + f.StructField()
	}
	def := s.Types[name]
	if def == nil || def.Kind != ast.Enum {
		return nil
	}
	var doc Enum
	if err := decode(f.Annotations, doc.Name(), &doc); err != nil {
		return err
	}
	if def.Description == "" || strings.HasSuffix(def.Description, " is enum for the field "+f.Name) {
		def.Description = doc.Type
		if def.Description == "" {
			def.Description = f.Comment()
		}
	}
	for _, v := range def.EnumValues {
		if v.Description == "" {
			v.Description = doc.Values[v.Name]
		}
	}
	return nil
}

// describeOrder describes the values of a node's order-field enum.
func describeOrder(n *gen.Type, noun string, def *ast.Definition) error {
	if def == nil {
		return nil
	}
	for _, f := range allFields(n) {
		ant, err := gqlAnnotation(f.Annotations)
		if err != nil {
			return err
		}
		v := def.EnumValues.ForName(ant.OrderField)
		if ant.OrderField == "" || v == nil || v.Description != "" {
			continue
		}
		var text Order
		if err := decode(f.Annotations, text.Name(), &text); err != nil {
			return err
		}
		v.Description = string(text)
		if v.Description == "" {
			v.Description = orderDoc(noun, f)
		}
	}
	return nil
}

func orderDoc(noun string, f *gen.Field) string {
	name := camel(f.Name)
	switch {
	case f.IsEnum():
		return fmt.Sprintf("Orders %s by `%s`, alphabetically by the value's name (not in the order the enum lists its values).", noun, name)
	case f.IsString():
		return fmt.Sprintf("Orders %s by `%s`, in the database's text order.", noun, name)
	case f.IsTime():
		return fmt.Sprintf("Orders %s by `%s`, earliest first when ascending.", noun, name)
	default:
		return fmt.Sprintf("Orders %s by `%s`.", noun, name)
	}
}

// describeWhere describes every field of a node's where-input: and/or/not,
// each field predicate, each edge predicate.
func describeWhere(n *gen.Type, noun string, def *ast.Definition) error {
	if def == nil {
		return nil
	}
	docs := map[string]string{
		"not": fmt.Sprintf("Matches %s that do not match this filter.", noun),
		"and": fmt.Sprintf("Matches %s that match every filter of the list.", noun),
		"or":  fmt.Sprintf("Matches %s that match at least one filter of the list.", noun),
	}
	// entgql's placeholders, replaced: "name field predicates" on a
	// field's first predicate, "children edge predicates" on hasChildren.
	placeholders := map[string]string{}
	for _, f := range allFields(n) {
		for i, op := range f.Ops() {
			name := camel(f.Name + "_" + op.Name())
			if op == gen.EQ {
				name = camel(f.Name)
			}
			docs[name] = Predicate(noun, f, op)
			if i == 0 {
				placeholders[name] = f.Name + " field predicates"
			}
		}
	}
	for _, e := range n.Edges {
		has := camel("has_" + e.Name)
		docs[has] = HasEdge(noun, camel(e.Name), e.Unique)
		docs[camel("has_"+e.Name+"_with")] = HasEdgeWith(noun, camel(e.Name), e.Unique)
		placeholders[has] = e.Name + " edge predicates"
	}
	if strings.HasSuffix(def.Description, "\nInput was generated by ent.") {
		def.Description = fmt.Sprintf("Filters %s: every field given must match (they combine with and). Edge predicates (has…, has…With) see only what the viewer may read.", noun)
	}
	for _, f := range def.Fields {
		if f.Description == "" || f.Description == placeholders[f.Name] {
			f.Description = docs[f.Name]
		}
	}
	return nil
}

// describeMutationInput describes the fields entgql adds to a Create or
// Update input beside the ent fields (which carry their comments): edge
// ids and the clear flags.
func describeMutationInput(n *gen.Type, def *ast.Definition, update bool) {
	if def == nil {
		return
	}
	docs := map[string]string{}
	for _, f := range n.Fields {
		if f.Optional {
			docs["clear"+f.StructField()] = fmt.Sprintf("Set to true to clear `%s`: it becomes %s.", camel(f.Name), null(f))
		}
	}
	for _, e := range n.Edges {
		what := camel(e.Name)
		switch {
		case e.Unique:
			docs[what+"ID"] = strings.TrimSpace(fmt.Sprintf("Global id of `%s`. %s", what, e.Comment()))
		case !update:
			docs[camel(singular(e.Name))+"IDs"] = strings.TrimSpace(fmt.Sprintf("Global ids of `%s`. %s", what, e.Comment()))
		default:
			docs["add"+pascal(singular(e.Name))+"IDs"] = fmt.Sprintf("Global ids to add to `%s`.", what)
			docs["remove"+pascal(singular(e.Name))+"IDs"] = fmt.Sprintf("Global ids to remove from `%s`.", what)
		}
		if update && e.Optional {
			docs[camel(snake(e.MutationClear()))] = fmt.Sprintf("Set to true to remove `%s`.", what)
		}
	}
	for _, f := range def.Fields {
		if f.Description == "" {
			f.Description = docs[f.Name]
		}
	}
}

// Predicate describes a where-input field: op applied to field f of the
// node whose plural noun is noun.
func Predicate(noun string, f *gen.Field, op gen.Op) string {
	name := "`" + camel(f.Name) + "`"
	value, values := "value", "values"
	switch {
	case f.Name == "id":
		name, value, values = "id", "global id", "global ids"
	case f.IsString():
		value, values = "text", "texts"
	case f.IsTime():
		value, values = "time", "times"
	}
	// A comparison that excludes a value also excludes rows where the
	// field is null: SQL's null is never unequal to anything.
	nulls := ""
	if f.Optional && (op == gen.NEQ || op == gen.NotIn) {
		nulls = " Those where it is " + null(f) + " never match."
	}
	var what string
	switch op {
	case gen.EQ:
		what = "is the given " + value
	case gen.NEQ:
		what = "is not the given " + value
	case gen.In:
		what = "is one of the given " + values
	case gen.NotIn:
		what = "is none of the given " + values
	case gen.GT, gen.GTE, gen.LT, gen.LTE:
		what = comparison(f, op)
	case gen.IsNil:
		return fmt.Sprintf("true: matches %s whose %s is %s.", noun, name, null(f))
	case gen.NotNil:
		return fmt.Sprintf("true: matches %s whose %s is not %s.", noun, name, null(f))
	case gen.Contains:
		what = "contains the given text" + caseSensitive
	case gen.HasPrefix:
		what = "starts with the given text" + caseSensitive
	case gen.HasSuffix:
		what = "ends with the given text" + caseSensitive
	case gen.EqualFold:
		what = "is the given text, ignoring case" + caseFolded
	case gen.ContainsFold:
		what = "contains the given text, ignoring case" + caseFolded
	default:
		what = "matches the given value (" + op.Name() + ")"
	}
	return fmt.Sprintf("Matches %s whose %s %s.", noun, name, what) + nulls
}

// null names an optional field's absent value as a client sees it: null
// for a nillable field; for a text that is not, the database's null, which
// the API shows as an empty text (while an empty text sent is stored as
// one, and is not null).
func null(f *gen.Field) string {
	if f.Nillable || !f.IsString() {
		return "null"
	}
	return "unset (null in the database, shown as an empty text)"
}

// What case and accents do to the text predicates: on PostgreSQL LIKE is
// case-sensitive and ILIKE folds every letter; SQLite's LIKE and lower()
// fold only A–Z. Accents always count: the search argument is the
// accent-free match.
const (
	caseSensitive = "; case and accents count (on SQLite the case of A–Z does not)"
	caseFolded    = "; accents count, and on SQLite only the case of A–Z is ignored"
)

func comparison(f *gen.Field, op gen.Op) string {
	switch {
	case f.IsTime():
		return map[gen.Op]string{
			gen.GT: "is later than the given time", gen.GTE: "is the given time or later",
			gen.LT: "is earlier than the given time", gen.LTE: "is the given time or earlier",
		}[op]
	case f.IsString():
		return map[gen.Op]string{
			gen.GT: "sorts after the given text", gen.GTE: "sorts with or after the given text",
			gen.LT: "sorts before the given text", gen.LTE: "sorts before or with the given text",
		}[op] + " in the database's text order, which is not Vietnamese alphabetical order"
	case f.Name == "id":
		return map[gen.Op]string{
			gen.GT: "is above the given id", gen.GTE: "is the given id or above",
			gen.LT: "is below the given id", gen.LTE: "is the given id or below",
		}[op] + " (the ids of one type grow as rows are created)"
	default:
		return map[gen.Op]string{
			gen.GT: "is greater than the given value", gen.GTE: "is at least the given value",
			gen.LT: "is less than the given value", gen.LTE: "is at most the given value",
		}[op]
	}
}

// HasEdge describes a where-input's has<Edge> field. @inScope narrows it
// to neighbours the viewer may read (graph/where.go).
func HasEdge(noun, edge string, unique bool) string {
	if unique {
		return fmt.Sprintf("true: matches %s that have a `%s` the viewer may read; false: those without one the viewer may read.", noun, edge)
	}
	return fmt.Sprintf("true: matches %s with at least one of `%s` the viewer may read; false: those with none the viewer may read.", noun, edge)
}

// HasEdgeWith describes a where-input's has<Edge>With field.
func HasEdgeWith(noun, edge string, unique bool) string {
	if unique {
		return fmt.Sprintf("Matches %s whose `%s` is one the viewer may read and matches every filter of the list.", noun, edge)
	}
	return fmt.Sprintf("Matches %s with at least one of `%s` that the viewer may read and that matches every filter of the list.", noun, edge)
}

// nounOf turns a GraphQL type name into the plural noun the descriptions
// use: AdminUnit → admin units.
func nounOf(typeName string) string {
	return plural(singularNoun(typeName))
}

func singularNoun(typeName string) string {
	var b strings.Builder
	for i, r := range typeName {
		if i > 0 && r >= 'A' && r <= 'Z' {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return strings.ToLower(b.String())
}

func typeName(n *gen.Type) (string, error) {
	ant, err := gqlAnnotation(n.Annotations)
	if err != nil {
		return "", err
	}
	if ant.Type != "" {
		return ant.Type, nil
	}
	return n.Name, nil
}

func schemaComment(n *gen.Type) string {
	c, ok := n.Annotations[(&schema.CommentAnnotation{}).Name()].(map[string]any)
	if !ok {
		return ""
	}
	text, _ := c["Text"].(string)
	return text
}

// allFields are the node's id and fields, as entgql walks them.
func allFields(n *gen.Type) []*gen.Field {
	if n.ID == nil {
		return n.Fields
	}
	return append([]*gen.Field{n.ID}, n.Fields...)
}

func gqlAnnotation(ants gen.Annotations) (*entgql.Annotation, error) {
	ant := &entgql.Annotation{}
	if ants != nil && ants[ant.Name()] != nil {
		if err := ant.Decode(ants[ant.Name()]); err != nil {
			return nil, fmt.Errorf("decode entgql annotation: %w", err)
		}
	}
	return ant, nil
}

// decode reads the annotation called name, if any, into v.
func decode(ants gen.Annotations, name string, v any) error {
	a, ok := ants[name]
	if !ok {
		return nil
	}
	buf, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("encode annotation %s: %w", name, err)
	}
	if err := json.Unmarshal(buf, v); err != nil {
		return fmt.Errorf("decode annotation %s: %w", name, err)
	}
	return nil
}

// entgql's own naming, so the names described are the names it generates.
var (
	camel    = gen.Funcs["camel"].(func(string) string)
	pascal   = gen.Funcs["pascal"].(func(string) string)
	plural   = gen.Funcs["plural"].(func(string) string)
	singular = gen.Funcs["singular"].(func(string) string)
	snake    = gen.Funcs["snake"].(func(string) string)
)

// FieldName is the GraphQL name entgql gives an ent field or edge
// (full_name → fullName).
func FieldName(name string) string { return camel(name) }
