package graph

import (
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator/core"

	"hoctap/internal/apperr"
	"hoctap/internal/i18n"
)

// MaxFields bounds how many fields an operation may expand to once its
// fragments are spread. Every field costs at least 1 in the complexity
// limit, so no document past it could pass that limit anyway; but gqlgen
// computes complexity by expanding every spread again, which is exponential
// in the depth of fragments that spread each other twice (22 such fragments,
// 2.3 KB of text, cost 7.8 s of CPU before QUERY_TOO_COMPLEX). Counting with
// one memo per fragment costs one visit per node of the text.
const MaxFields = MaxComplexity

var msgTooManyFields = i18n.Message{
	VI: "Truy vấn quá phức tạp: các fragment trải ra hơn %d trường.",
	EN: "The query is too complex: its fragments expand to more than %d fields.",
}

// fanOutRule is a validation rule refusing, as QUERY_TOO_COMPLEX, an
// operation that expands to more than MaxFields fields. It runs once per
// query text, before the text is cached and long before complexity.
var fanOutRule = core.Rule{
	Name: "FanOut",
	RuleFunc: func(observers *core.Events, addError core.AddErrFunc) {
		var f *fanOut
		observers.OnOperation(func(w *core.Walker, op *ast.OperationDefinition) {
			if f == nil {
				f = &fanOut{doc: w.Document, memo: map[string]int{}}
			}
			if f.count(op.SelectionSet) > MaxFields {
				e := apperr.New(apperr.QueryTooComplex, msgTooManyFields, MaxFields)
				addError(func(err *gqlerror.Error) {
					err.Message = e.Error()
					err.Err = e // the presenter finds the apperr.Error through it
				}, core.At(op.Position))
			}
		})
	},
}

// fanOut counts expanded fields, saturating just past MaxFields so that no
// count can overflow.
type fanOut struct {
	doc  *ast.QueryDocument
	memo map[string]int
}

func (f *fanOut) count(set ast.SelectionSet) int {
	n := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			n += 1 + f.count(s.SelectionSet)
		case *ast.InlineFragment:
			n += f.count(s.SelectionSet)
		case *ast.FragmentSpread:
			n += f.fragment(s.Name)
		}
		n = min(n, MaxFields+1)
	}
	return n
}

func (f *fanOut) fragment(name string) int {
	if n, ok := f.memo[name]; ok {
		return n
	}
	def := f.doc.Fragments.ForName(name)
	if def == nil {
		return 0 // KnownFragmentNames reports it
	}
	// A fragment that spreads itself counts as nothing on the way round;
	// NoFragmentCycles reports it.
	f.memo[name] = 0
	n := f.count(def.SelectionSet)
	f.memo[name] = n
	return n
}
