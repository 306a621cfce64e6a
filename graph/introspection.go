package graph

import (
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator/core"

	"hoctap/internal/apperr"
	"hoctap/internal/i18n"
)

var msgIntrospectionOff = i18n.Message{
	VI: "Máy chủ này không cho truy vấn cấu trúc lược đồ (%s); chỉ bật ở chế độ --dev. Lược đồ có trong tài liệu API.",
	EN: "This server does not answer schema introspection (%s); it is on in --dev mode only. The schema is in the API documentation.",
}

// noIntrospectionRule refuses __schema and __type as FORBIDDEN while
// introspection is off. gqlgen would let the operation run and fail each
// field with an uncoded "introspection disabled", which became INTERNAL.
var noIntrospectionRule = core.Rule{
	Name: "NoIntrospection",
	RuleFunc: func(observers *core.Events, addError core.AddErrFunc) {
		observers.OnField(func(_ *core.Walker, f *ast.Field) {
			if f.Name != "__schema" && f.Name != "__type" {
				return
			}
			e := apperr.New(apperr.Forbidden, msgIntrospectionOff, f.Name)
			addError(func(err *gqlerror.Error) {
				err.Message = e.Error()
				err.Err = e // the presenter finds the apperr.Error through it
			}, core.At(f.Position))
		})
	},
}
