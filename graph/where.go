package graph

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"golang.org/x/text/unicode/norm"

	"hoctap/internal/apperr"
	"hoctap/internal/i18n"
	"hoctap/internal/rule"
)

// inScope implements @inScope, which ent's code generator puts on every
// where-input (ent/entc.go). It also compares the input's text in Unicode
// NFC (see nfcText). ent runs an edge predicate (`hasAdminUnitWith`,
// `hasChildren`, …) as a raw subquery that no privacy policy sees; used as a
// yes/no test on totalCount it would answer questions about rows anywhere.
// So each edge predicate is narrowed here to the rows the viewer may read,
// with the same filter the query policies use (rule.Read): a `has…With`
// input gets that filter added, and `has…: true/false` becomes "has / has no
// readable neighbour".
//
// gqlgen runs the directive wherever a where-input is decoded, for a field's
// arguments and for entgql's eager loading of nested connections alike, and
// on every nested input, so one input at a time suffices.
func inScope(ctx context.Context, _ any, next graphql.Resolver) (any, error) {
	in, err := next(ctx)
	if err != nil || in == nil {
		return in, err
	}
	v := reflect.ValueOf(in)
	if !edgesOf(v.Type()).given(v) {
		return in, nil // no text to normalise, no edge to narrow: as decoded
	}
	w := reflect.New(v.Type()).Elem() // an addressable copy
	w.Set(v)
	nfcText(w)
	if err := narrowEdges(ctx, w); err != nil {
		return nil, err
	}
	return w.Interface(), nil
}

var (
	boolPtr    = reflect.TypeFor[*bool]()
	stringPtr  = reflect.TypeFor[*string]()
	stringList = reflect.TypeFor[[]string]()
)

// nfcText puts the text a where-input compares in Unicode normal form C,
// the form names are stored in (derive.NFC): a name typed with decomposed
// marks must find its precomposed twin.
func nfcText(w reflect.Value) {
	e := edgesOf(w.Type())
	for _, i := range e.texts {
		f := w.Field(i)
		if f.Type() == stringPtr {
			if !f.IsNil() {
				s := norm.NFC.String(f.Elem().String())
				f.Set(reflect.ValueOf(&s))
			}
			continue
		}
		if f.Len() > 0 {
			out := make([]string, f.Len())
			for j := range out {
				out[j] = norm.NFC.String(f.Index(j).String())
			}
			f.Set(reflect.ValueOf(out))
		}
	}
}

// narrowEdges narrows the edge predicates of one where-input (a struct):
// first the has…With lists, then the has… booleans, whose rewriting appends
// to those lists an input narrowed already.
func narrowEdges(ctx context.Context, w reflect.Value) error {
	e := edgesOf(w.Type())
	for _, i := range e.lists {
		for j := range w.Field(i).Len() {
			if err := narrow(ctx, w.Field(i).Index(j)); err != nil {
				return err
			}
		}
	}
	for _, b := range e.bools {
		if w.Field(b.has).IsNil() {
			continue
		}
		// has…: true is "has…With: [{}]" narrowed; false is its negation.
		with := w.Field(b.with)
		neighbour := reflect.New(with.Type().Elem().Elem())
		if err := narrow(ctx, neighbour); err != nil {
			return err
		}
		if w.Field(b.has).Elem().Bool() {
			with.Set(reflect.Append(with, neighbour))
		} else {
			has := reflect.New(w.Type())
			hw := has.Elem().Field(b.with)
			hw.Set(reflect.Append(hw, neighbour))
			not := reflect.New(w.Type())
			not.Elem().Field(e.not).Set(has)
			and := w.Field(e.and)
			and.Set(reflect.Append(and, not))
		}
		w.Field(b.has).Set(reflect.Zero(boolPtr))
	}
	return nil
}

// whereEdges are the field indexes of a where-input's edge predicates, and
// of its text (*string and []string) fields.
type whereEdges struct {
	lists    []int // has…With
	bools    []struct{ has, with int }
	not, and int
	texts    []int
}

// given reports whether the where-input v has a text or an edge
// predicate: only those inScope changes. Most inputs nested in a filter
// ({id: $c}) have neither, and copying one (a kilobyte and more) to find
// so was most of the cost of decoding it.
func (e *whereEdges) given(v reflect.Value) bool {
	for _, i := range e.texts {
		if f := v.Field(i); (f.Kind() == reflect.Pointer && !f.IsNil()) || (f.Kind() == reflect.Slice && f.Len() > 0) {
			return true
		}
	}
	for _, i := range e.lists {
		if v.Field(i).Len() > 0 {
			return true
		}
	}
	for _, b := range e.bools {
		if !v.Field(b.has).IsNil() {
			return true
		}
	}
	return false
}

// edges caches whereEdges by type: a where-input has hundreds of fields, and
// looking each has… field's partner up by name on every input decoded was
// most of the cost of opening a household (BENCHMARKS.md, issue #15), as
// was, after it, checking the type of each field for text.
var edges sync.Map // reflect.Type → *whereEdges

func edgesOf(t reflect.Type) *whereEdges {
	if e, ok := edges.Load(t); ok {
		return e.(*whereEdges)
	}
	e := &whereEdges{}
	index := func(name string) int {
		f, ok := t.FieldByName(name)
		if !ok || len(f.Index) != 1 {
			return -1
		}
		return f.Index[0]
	}
	e.not, e.and = index("Not"), index("And")
	for i := range t.NumField() {
		f := t.Field(i)
		switch {
		case f.Type == stringPtr || f.Type == stringList:
			e.texts = append(e.texts, i)
		case !strings.HasPrefix(f.Name, "Has"):
		case strings.HasSuffix(f.Name, "With") && f.Type.Kind() == reflect.Slice:
			e.lists = append(e.lists, i)
		case f.Type == boolPtr:
			if with := index(f.Name + "With"); with >= 0 {
				e.bools = append(e.bools, struct{ has, with int }{i, with})
			}
		}
	}
	edges.Store(t, e)
	return e
}

// narrow adds the viewer's read filter to one where-input (a pointer to the
// generated struct) through its AddPredicates method; the filter is a
// func(*sql.Selector), the underlying type of every ent predicate.
func narrow(ctx context.Context, in reflect.Value) error {
	if in.IsNil() {
		return nil
	}
	typeName := strings.TrimSuffix(in.Type().Elem().Name(), "WhereInput")
	p, err := rule.Read(ctx, typeName)
	if err != nil {
		return err
	}
	if p == nil {
		return nil // the viewer reads every row
	}
	add := in.MethodByName("AddPredicates")
	if !add.IsValid() {
		return fmt.Errorf("where-input %s has no AddPredicates", in.Type())
	}
	pred := reflect.ValueOf(p).Convert(add.Type().In(0).Elem())
	add.Call([]reflect.Value{pred})
	return nil
}

// Limits on one where-input, so that no filter costs more than an ordinary
// page: each level of and/or/not/has…With nests a subquery or a clause, each
// term is a condition, each list element a bind parameter.
const (
	MaxWhereDepth = 8
	MaxWhereTerms = 200
	MaxWhereList  = 1000
)

var (
	msgWhereTooDeep  = i18n.Message{VI: "Bộ lọc lồng quá sâu (tối đa %d cấp).", EN: "The filter is nested too deeply (at most %d levels)."}
	msgWhereTooLarge = i18n.Message{VI: "Bộ lọc có quá nhiều điều kiện (tối đa %d).", EN: "The filter has too many conditions (at most %d)."}
	msgWhereList     = i18n.Message{VI: "Danh sách %s quá dài (tối đa %d phần tử).", EN: "The list %s is too long (at most %d items)."}
)

// whereCost measures a where value as the client sent it (literals and
// variables resolved): its nesting depth and number of terms, and refuses
// lists longer than MaxWhereList, naming the field.
func whereCost(v any, depth int, terms *int) *apperr.Error {
	if depth > MaxWhereDepth {
		return apperr.Input("where", msgWhereTooDeep, MaxWhereDepth)
	}
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			*terms++
			if *terms > MaxWhereTerms {
				return apperr.Input("where", msgWhereTooLarge, MaxWhereTerms)
			}
			if list, ok := x.([]any); ok && len(list) > MaxWhereList {
				return apperr.Input(k, msgWhereList, k, MaxWhereList)
			}
			if err := whereCost(x, depth+1, terms); err != nil {
				return err
			}
		}
	case []any:
		for _, x := range v {
			if err := whereCost(x, depth, terms); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkWhere prices the `where` argument of one field (see whereCost).
func checkWhere(ctx context.Context, f *ast.Field, vars map[string]any) *gqlerror.Error {
	arg := f.Arguments.ForName("where")
	if arg == nil {
		return nil
	}
	w, err := arg.Value.Value(vars)
	if err != nil {
		return nil // gqlgen reports it when decoding the argument
	}
	terms := 0
	if e := whereCost(w, 0, &terms); e != nil {
		return inputError(ctx, e, f)
	}
	return nil
}

// walkFields calls fn on every field of a selection set, through fragments
// (each fragment once); fn returns false to stop.
func walkFields(set ast.SelectionSet, fn func(*ast.Field) bool) {
	seen := map[*ast.FragmentDefinition]bool{}
	var walk func(ast.SelectionSet) bool
	walk = func(set ast.SelectionSet) bool {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				if !fn(s) || !walk(s.SelectionSet) {
					return false
				}
			case *ast.InlineFragment:
				if !walk(s.SelectionSet) {
					return false
				}
			case *ast.FragmentSpread:
				if s.Definition != nil && !seen[s.Definition] {
					seen[s.Definition] = true
					if !walk(s.Definition.SelectionSet) {
						return false
					}
				}
			}
		}
		return true
	}
	walk(set)
}
