package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"hoctap/graph/gqlid"
	"hoctap/internal/apperr"
	"hoctap/internal/errmap"
	"hoctap/internal/i18n"
	"hoctap/internal/reqinfo"
)

var errUnauthenticated = apperr.New(apperr.Unauthenticated, apperr.MsgUnauthenticated)

// presenter turns every error into one of API.md's codes, with a message in
// the request's language. Anything it does not recognise is logged with the
// request id and shown as INTERNAL, without its text.
func presenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gerr := graphql.DefaultErrorPresenter(ctx, err)
		// gerr may be err itself: keep the cause before its message is
		// replaced by the client's.
		cause := gerr.Message
		if gerr.Err != nil {
			cause = gerr.Err.Error()
		}
		e := classify(ctx, err, gerr)
		lang := i18n.FromContext(ctx)
		gerr.Message = e.Message(lang)
		gerr.Extensions = map[string]any{"code": string(e.Code)}
		if e.Field != "" {
			gerr.Extensions["field"] = e.Field
		}
		if e.Code == apperr.Internal {
			id := reqinfo.FromContext(ctx).ID
			gerr.Extensions["requestId"] = id
			attrs := []any{"request_id", id, "path", gerr.Path.String(), "err", cause}
			if p, ok := errors.AsType[*panicError](err); ok {
				attrs = append(attrs, "stack", string(p.stack))
			}
			if clientLeft(ctx, err) {
				log.DebugContext(ctx, "client left", attrs...)
			} else {
				log.ErrorContext(ctx, "internal error", attrs...)
			}
		}
		return gerr
	}
}

// clientLeft reports whether err is the request's end because its client
// closed the connection (net/http then cancels the request's context, as
// mobile networks often make it): nothing failed here and no one reads the
// answer, so it is not an error an operator must look into.
func clientLeft(ctx context.Context, err error) bool {
	return errors.Is(err, context.Canceled) && errors.Is(context.Cause(ctx), context.Canceled)
}

var (
	msgInvalidEnum  = i18n.Message{VI: "Giá trị %s không hợp lệ.", EN: "Invalid value %s."}
	msgInvalidQuery = i18n.Message{VI: "Truy vấn không hợp lệ: %s", EN: "Invalid query: %s"}
)

// classify maps err to an apperr.Error: gqlgen's own errors (validation,
// arguments, complexity) here, everything else as errmap does.
func classify(ctx context.Context, err error, gerr *gqlerror.Error) *apperr.Error {
	switch {
	case errors.Is(err, gqlid.ErrInvalid):
		return apperr.Input(argName(gerr), apperr.MsgInvalidID, argName(gerr))
	case isCursorError(err):
		return apperr.Input(argName(gerr), apperr.MsgInvalidCursor)
	}
	if e := errmap.Of(ctx, err); e.Code != apperr.Internal {
		return e
	}
	code, _ := gerr.Extensions["code"].(string)
	switch code {
	case "NOT_FOUND": // entgql's nodes() for an id it cannot resolve
		return apperr.New(apperr.NotFound, apperr.MsgNotFound)
	case "COMPLEXITY_LIMIT_EXCEEDED":
		got := 0
		if s := extension.GetComplexityStats(ctx); s != nil {
			got = s.Complexity
		}
		return apperr.New(apperr.QueryTooComplex, apperr.MsgTooComplex, got, MaxComplexity)
	case errcode.ValidationFailed, errcode.ParseFailed:
		if name, ok := strings.CutPrefix(gerr.Message, pageRuleMessage); ok {
			return apperr.Input(name, apperr.MsgPageTooLarge, MaxPageSize)
		}
		e := apperr.Input(locateArgument(ctx, gerr), msgInvalidQuery, gerr.Message)
		if strings.Contains(gerr.Message, "does not exist in") && strings.Contains(gerr.Message, "enum") {
			e.Msg, e.Args = msgInvalidEnum, []any{enumValue(gerr.Message)}
		}
		return e
	}
	if len(gerr.Path) > 0 && gerr.Path[0] == ast.PathName("variable") {
		return apperr.Input(locateArgument(ctx, gerr), msgInvalidQuery, gerr.Message)
	}
	if !graphql.HasOperationContext(ctx) {
		// An error before any operation exists is about the request itself:
		// a body that is not JSON, a missing query, an unsupported method.
		return apperr.Input("", msgInvalidQuery, gerr.Message)
	}
	if isInputError(gerr) {
		return apperr.Input(argName(gerr), msgInvalidQuery, gerr.Message)
	}
	return errmap.Internal(ctx, err)
}

func isCursorError(err error) bool {
	// An error of ours says what it is (the changes feed's cursor errors
	// have codes of their own).
	var own *apperr.Error
	return err != nil && !errors.As(err, &own) && strings.Contains(err.Error(), "cursor")
}

// isInputError recognises gqlgen's errors for argument and variable values
// that do not fit their type.
func isInputError(gerr *gqlerror.Error) bool {
	m := gerr.Message
	return strings.HasPrefix(m, "input:") || strings.Contains(m, "is not an int") ||
		strings.Contains(m, "is not a valid") || strings.Contains(m, "cannot be null")
}

// argName is the argument or input field an error's path ends in.
func argName(gerr *gqlerror.Error) string {
	for i := len(gerr.Path) - 1; i >= 0; i-- {
		if n, ok := gerr.Path[i].(ast.PathName); ok {
			return string(n)
		}
	}
	if m := strings.TrimPrefix(gerr.Message, "input: "); m != gerr.Message {
		name, _, _ := strings.Cut(m, " ")
		return name
	}
	return ""
}

// enumValue picks the offending value out of gqlparser's message.
func enumValue(msg string) string {
	if i := strings.Index(msg, `"`); i >= 0 {
		if j := strings.Index(msg[i+1:], `"`); j >= 0 {
			return msg[i+1 : i+1+j]
		}
	}
	return msg
}

// locateArgument names the argument (or input field) at the position of a
// validation error, by parsing the query again: gqlparser reports where a bad
// value is, not which argument holds it.
func locateArgument(ctx context.Context, gerr *gqlerror.Error) string {
	if !graphql.HasOperationContext(ctx) {
		return ""
	}
	oc := graphql.GetOperationContext(ctx)
	// A variable's value that does not fit its type: gqlgen's path is
	// ["variable", name]; name the argument the variable feeds.
	variable := ""
	if len(gerr.Path) >= 2 && gerr.Path[0] == ast.PathName("variable") {
		if n, ok := gerr.Path[1].(ast.PathName); ok {
			variable = string(n)
		}
	}
	if variable == "" && len(gerr.Locations) == 0 {
		return ""
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: oc.RawQuery})
	if err != nil {
		return variable
	}
	var loc gqlerror.Location
	if len(gerr.Locations) > 0 {
		loc = gerr.Locations[0]
	}
	var found string
	var inValue func(name string, v *ast.Value)
	inValue = func(name string, v *ast.Value) {
		if v == nil || found != "" {
			return
		}
		if variable != "" && v.Kind == ast.Variable && v.Raw == variable {
			found = name
			return
		}
		if variable == "" && v.Position != nil && v.Position.Line == loc.Line && v.Position.Column == loc.Column {
			found = name
			return
		}
		for _, c := range v.Children {
			n := name
			if c.Name != "" {
				n = c.Name
			}
			inValue(n, c.Value)
		}
	}
	var inSet func(ast.SelectionSet)
	inSet = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				for _, a := range s.Arguments {
					if variable == "" && a.Position != nil && a.Position.Line == loc.Line && a.Position.Column == loc.Column {
						found = a.Name
					}
					inValue(a.Name, a.Value)
				}
				inSet(s.SelectionSet)
			case *ast.InlineFragment:
				inSet(s.SelectionSet)
			}
		}
	}
	for _, op := range doc.Operations {
		inSet(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		inSet(f.SelectionSet)
	}
	if found == "" {
		return variable
	}
	return found
}

// panicError is a resolver's panic, with its stack: the presenter logs both
// on the INTERNAL error's line, with the request id.
type panicError struct {
	value any
	stack []byte
}

func (e *panicError) Error() string { return fmt.Sprintf("resolver panicked: %v", e.value) }

func recoverPanic(_ context.Context, p any) error {
	return &panicError{value: p, stack: debug.Stack()}
}
