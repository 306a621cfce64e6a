package graph

import (
	"context"
	"strconv"
	"strings"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator/core"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"hoctap/internal/apperr"
	"hoctap/internal/i18n"
)

// MaxComplexity bounds the cost of one operation: roughly the number of
// fields it may return, each connection counting its page size times its
// selection.
const MaxComplexity = 20000

// isConnection reports whether a field returns a Relay connection.
func isConnection(def *ast.FieldDefinition) bool {
	return def != nil && def.Type != nil && strings.HasSuffix(def.Type.Name(), "Connection") &&
		def.Arguments.ForName("first") != nil
}

// pageRule is a validation rule that gives every connection field without
// first or last the default page size, and refuses literal page sizes out of
// range. It runs once per query text, before the query is cached, so the
// eager loader that reads arguments straight from the document sees the same
// bound as the resolver.
var pageRule = core.Rule{
	Name: "PageSize",
	RuleFunc: func(observers *core.Events, addError core.AddErrFunc) {
		observers.OnField(func(_ *core.Walker, field *ast.Field) {
			if !isConnection(field.Definition) {
				return
			}
			given := false
			for _, name := range []string{"first", "last"} {
				arg := field.Arguments.ForName(name)
				if arg == nil {
					continue
				}
				given = true
				if arg.Value.Kind != ast.IntValue {
					continue
				}
				if n, err := strconv.Atoi(arg.Value.Raw); err != nil || n < 0 || n > MaxPageSize {
					addError(core.Message("%s%s", pageRuleMessage, name), core.At(arg.Value.Position))
				}
			}
			if !given {
				field.Arguments = append(field.Arguments, &ast.Argument{
					Name:     "first",
					Value:    &ast.Value{Kind: ast.IntValue, Raw: strconv.Itoa(DefaultPageSize), Position: field.Position},
					Position: field.Position,
				})
			}
		})
	},
}

// pageRuleMessage starts pageRule's messages; the presenter turns them into
// a BAD_USER_INPUT naming the argument.
const pageRuleMessage = "page size out of range: "

// validationRules are gqlparser's rules plus pageRule and fanOutRule.
func validationRules() *rules.Rules {
	r := rules.NewDefaultRules()
	r.AddRule(pageRule.Name, pageRule.RuleFunc)
	r.AddRule(fanOutRule.Name, fanOutRule.RuleFunc)
	return r
}

// operationLimits checks, before anything runs, what the validation rules
// cannot see because it depends on variables: page sizes (every connection
// must end up with a page size in range), cursors, which entgql's eager
// loader would otherwise trip over deep inside a query, and the cost of
// every where-input (see whereCost).
type operationLimits struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = operationLimits{}

func (operationLimits) ExtensionName() string                   { return "OperationLimits" }
func (operationLimits) Validate(graphql.ExecutableSchema) error { return nil }
func (operationLimits) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	var failed *gqlerror.Error
	walkFields(oc.Operation.SelectionSet, func(f *ast.Field) bool {
		if isConnection(f.Definition) {
			failed = checkPageVars(ctx, f, oc.Variables)
		}
		if failed == nil {
			failed = checkWhere(ctx, f, oc.Variables)
		}
		return failed == nil
	})
	return failed
}

// checkPageVars checks the page arguments of one connection field.
func checkPageVars(ctx context.Context, f *ast.Field, vars map[string]any) *gqlerror.Error {
	args := f.ArgumentMap(vars)
	for _, name := range []string{"after", "before"} {
		if v, ok := args[name]; ok && v != nil {
			var c entgql.Cursor[int]
			if c.UnmarshalGQL(v) != nil {
				return inputError(ctx, apperr.Input(name, apperr.MsgInvalidCursor), f)
			}
		}
	}
	if args["first"] != nil && args["last"] != nil {
		// entgql pages from one end only, and said so with an uncoded error.
		return inputError(ctx, apperr.Input("last", msgFirstAndLast), f)
	}
	bounded := false
	for _, name := range []string{"first", "last"} {
		v, ok := args[name]
		if !ok || v == nil {
			continue
		}
		bounded = true
		n, err := graphql.UnmarshalInt(v)
		if err == nil && n >= 0 && n <= MaxPageSize {
			continue
		}
		return inputError(ctx, apperr.Input(name, apperr.MsgPageTooLarge, MaxPageSize), f)
	}
	if !bounded {
		return inputError(ctx, apperr.Input("first", msgPageNeeded, MaxPageSize), f)
	}
	return nil
}

var (
	msgPageNeeded   = i18n.Message{VI: "Cần cho biết first hoặc last (tối đa %d).", EN: "Give first or last (at most %d)."}
	msgFirstAndLast = i18n.Message{VI: "Chỉ dùng một trong hai: first (từ đầu danh sách) hoặc last (từ cuối).", EN: "Give first (from the start) or last (from the end), not both."}
)

// inputError renders an input error found before execution.
func inputError(ctx context.Context, e *apperr.Error, f *ast.Field) *gqlerror.Error {
	lang := i18n.FromContext(ctx)
	err := &gqlerror.Error{
		Err:        e, // the presenter finds the apperr.Error through it
		Message:    e.Message(lang),
		Path:       ast.Path{ast.PathName(f.Alias)},
		Extensions: map[string]any{"code": string(e.Code), "field": e.Field},
	}
	if f.Position != nil {
		err.Locations = []gqlerror.Location{{Line: f.Position.Line, Column: f.Position.Column}}
	}
	return err
}

// costedSchema prices connections by their page size: a connection of n
// items costs n times its selection.
type costedSchema struct {
	graphql.ExecutableSchema
}

func (s costedSchema) Complexity(ctx context.Context, typeName, field string, childComplexity int, args map[string]any) (int, bool) {
	def := s.Schema().Types[typeName]
	if def == nil {
		return 0, false
	}
	fd := def.Fields.ForName(field)
	if !isConnection(fd) {
		return s.ExecutableSchema.Complexity(ctx, typeName, field, childComplexity, args)
	}
	n := DefaultPageSize
	for _, name := range []string{"first", "last"} {
		if i := pageSize(args[name]); i >= 0 {
			n = i
		}
	}
	return 1 + max(n, 1)*childComplexity, true
}
