package ent

// This file is not generated: ent/entc.go patches entgql's noder to call
// collectNode.

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"sync/atomic"

	"entgo.io/ent/privacy"
	"github.com/99designs/gqlgen/graphql"
	"github.com/maypok86/otter/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"hoctap/internal/viewer"
)

// The query entgql's field collection makes for node(id:) is the same on
// every request that shares what it reads: the operation's field, the
// values of the variables its selection reads, and, through the
// where-inputs @inScope narrows to the viewer's read filter (graph/where.go),
// the viewer and what rule.Read reads beside it. Collecting it anew (walking
// the selection, decoding each connection's arguments, narrowing its
// where-input) was an eighth of the server's CPU opening a household
// (BENCHMARKS.md, issue #15). collectNode keeps the collected query, never
// run, with the arguments decoded for it, and hands each request a copy
// (clonePlan) and those arguments. What runs the copy is unchanged: its
// statement, and the privacy policies that decide it, are the request's own.

// planKey is what a node's field collection reads.
type planKey struct {
	doc *ast.QueryDocument
	// field is the node field's first occurrence; the selections merged
	// into it are compared on use (plan.selections), as the fields merged
	// can depend on variables read above it (@skip on a second node field
	// of the same alias).
	field *ast.Field
	// typeName is the node's type: a node field runs for every type.
	typeName string
	// vars are the values of the variables the selections read.
	vars string
	// viewer is viewer.Key: the where-inputs' read filters hold the viewer.
	viewer string
	// keyLed and allowed are what rule.Read reads from ctx beside the viewer.
	keyLed  loadKey
	allowed bool
	// hooks tells the clients apart: the query holds its client's config.
	hooks *hooks
}

// plan is a node's collected query, never run, and what it was made from.
type plan struct {
	query      any // the *<Type>Query
	selections ast.SelectionSet
	args       []keptArgs
	// weight is what the plan keeps alive, in bytes, estimated on the safe
	// side: its document (through the key and selections), the variables'
	// text, the query tree and the arguments.
	weight uint32
}

// keptArgs are a connection's arguments as decoded for a plan's query.
type keptArgs struct {
	field graphql.CollectedField
	args  map[string]any
}

// The plans are bounded by the bytes they keep alive, as the query cache is
// (graph/cache.go): a plan holds its document, which the query cache may
// have dropped. An everyday operation's plan weighs 20–30 KB by the weight
// collectNode gives it, so the budget holds a few hundred: about one per session and operation
// in use (the viewer's key names the session). A document over
// maxPlanQuery is collected on every request.
const (
	plansBytes   = 8 << 20
	maxPlanQuery = 16 << 10
	// queryTextBytes is what a byte of a document's text keeps alive once
	// parsed: a parsed node is 215–265 bytes (graph/cache.go) for a few
	// bytes of text, a long string literal one byte for one.
	queryTextBytes = 32
	// planBytes is what a plan's query tree and decoded arguments hold,
	// a where-input struct alone being a kilobyte or two.
	planBytes = 8 << 10
)

var plans = otter.Must(&otter.Options[planKey, *plan]{
	MaximumWeight: plansBytes,
	Weigher:       func(_ planKey, p *plan) uint32 { return p.weight },
})

// planStats count the node fields collected (made) and those handed a
// plan's copy (served), for the metrics and the tests.
var planStats struct{ made, served atomic.Uint64 }

// PlanCounts reports how many node(id:) field collections a plan served,
// and how many were collected afresh.
func PlanCounts() (served, made uint64) {
	return planStats.served.Load(), planStats.made.Load()
}

// planned is a query that entgql collects fields for and clonePlan copies.
type planned[Q any] interface {
	collectField(ctx context.Context, oneNode bool, opCtx *graphql.OperationContext, collected graphql.CollectedField, path []string, satisfies ...string) error
	clonePlan(cfg config) (Q, bool)
}

// collectNode collects the fields of the node field in ctx into query, a
// new query of the node's type, or hands back a copy of the one collected
// for an earlier request with the same key.
func collectNode[Q planned[Q]](ctx context.Context, cfg config, query Q, satisfies []string) (Q, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return query, nil
	}
	oc := graphql.GetOperationContext(ctx)
	k, ok := planKeyOf(ctx, cfg, oc, fc.Field, satisfies)
	if !ok {
		planStats.made.Add(1)
		return query, query.collectField(ctx, true, oc, fc.Field, nil, satisfies...)
	}
	fa, _ := ctx.Value(fieldArgsKey{}).(FieldArgs)
	if p, ok := plans.GetIfPresent(k); ok && slices.Equal(p.selections, fc.Field.Selections) {
		if q, ok := p.query.(Q).clonePlan(cfg); ok {
			for i := range p.args {
				fa.Keep(&p.args[i].field, p.args[i].args)
			}
			planStats.served.Add(1)
			return q, nil
		}
	}
	planStats.made.Add(1)
	rec := &recordedArgs{FieldArgs: fa}
	if err := query.collectField(WithFieldArgs(ctx, rec), true, oc, fc.Field, nil, satisfies...); err != nil {
		return query, err
	}
	if kept, ok := query.clonePlan(cfg); ok && !rec.declined {
		w := planBytes + queryTextBytes*len(oc.RawQuery) + len(k.vars) + len(k.viewer)
		plans.Set(k, &plan{query: kept, selections: fc.Field.Selections, args: rec.kept, weight: uint32(w)})
	}
	return query, nil
}

// planKeyOf is the key of the node field's collection; false where none is
// kept: outside a query (a mutation's client is its transaction's), for no
// viewer (whom every row is refused), for a document over maxPlanQuery,
// without the executor's arguments (FieldArgs), or under a privacy decision
// other than Allow.
func planKeyOf(ctx context.Context, cfg config, oc *graphql.OperationContext, field graphql.CollectedField, satisfies []string) (planKey, bool) {
	if oc == nil || oc.Operation == nil || oc.Operation.Operation != ast.Query || field.Field == nil || len(satisfies) == 0 ||
		len(oc.RawQuery) > maxPlanQuery {
		return planKey{}, false
	}
	v := viewer.FromContext(ctx)
	if v == nil {
		return planKey{}, false
	}
	if _, ok := ctx.Value(fieldArgsKey{}).(FieldArgs); !ok {
		return planKey{}, false
	}
	if _, ok := cfg.driver.(*txDriver); ok {
		return planKey{}, false
	}
	d, decided := privacy.DecisionFromContext(ctx)
	if decided && d != nil {
		return planKey{}, false
	}
	vars, ok := readVariables(oc, field.Selections)
	if !ok {
		return planKey{}, false
	}
	k := planKey{
		doc:      oc.Doc,
		field:    field.Field,
		typeName: satisfies[0],
		vars:     vars,
		viewer:   v.Key(),
		allowed:  decided,
		hooks:    cfg.hooks,
	}
	k.keyLed, _ = ctx.Value(keyLedKey{}).(loadKey)
	return k, true
}

// maxPlanVars bounds the variables' text in a key: past it, the field is
// collected on every request.
const maxPlanVars = 1024

// readVariables encodes the values of the variables set reads, in its
// arguments and directives, its fragments' included, in the order first
// read: the name and the value as JSON (maps by sorted keys), or "-" for
// one not given.
func readVariables(oc *graphql.OperationContext, set ast.SelectionSet) (string, bool) {
	var names []string
	readSelections(oc.Doc, set, &names, map[string]bool{})
	var b []byte
	for _, name := range names {
		b = strconv.AppendQuote(b, name)
		v, ok := oc.Variables[name]
		if !ok {
			b = append(b, '-')
			continue
		}
		j, err := json.Marshal(v)
		if err != nil {
			return "", false
		}
		b = append(append(b, '='), j...)
		if len(b) > maxPlanVars {
			return "", false
		}
	}
	return string(b), true
}

func readSelections(doc *ast.QueryDocument, set ast.SelectionSet, names *[]string, fragments map[string]bool) {
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			readArguments(sel.Arguments, names)
			readDirectives(sel.Directives, names)
			readSelections(doc, sel.SelectionSet, names, fragments)
		case *ast.InlineFragment:
			readDirectives(sel.Directives, names)
			readSelections(doc, sel.SelectionSet, names, fragments)
		case *ast.FragmentSpread:
			readDirectives(sel.Directives, names)
			if fragments[sel.Name] {
				continue
			}
			fragments[sel.Name] = true
			if f := doc.Fragments.ForName(sel.Name); f != nil {
				readDirectives(f.Directives, names)
				readSelections(doc, f.SelectionSet, names, fragments)
			}
		}
	}
}

func readDirectives(ds ast.DirectiveList, names *[]string) {
	for _, d := range ds {
		readArguments(d.Arguments, names)
	}
}

func readArguments(args ast.ArgumentList, names *[]string) {
	for _, a := range args {
		readValue(a.Value, names)
	}
}

func readValue(v *ast.Value, names *[]string) {
	if v == nil {
		return
	}
	if v.Kind == ast.Variable && !slices.Contains(*names, v.Raw) {
		*names = append(*names, v.Raw)
	}
	for _, c := range v.Children {
		readValue(c.Value, names)
	}
}

// recordedArgs keeps the arguments a plan's collection decodes.
type recordedArgs struct {
	FieldArgs
	kept []keptArgs
	// declined is set when a field's arguments were left to entgql's own
	// decoding, which the plan could not hand on.
	declined bool
}

func (r *recordedArgs) Args(ctx context.Context, field *graphql.CollectedField) (map[string]any, bool) {
	args, ok := r.FieldArgs.Args(ctx, field)
	if ok {
		r.kept = append(r.kept, keptArgs{*field, args})
	} else {
		r.declined = true
	}
	return args, ok
}
