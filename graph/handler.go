package graph

import (
	"cmp"
	"context"
	"log/slog"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"hoctap/ent"
	"hoctap/internal/auth"
	"hoctap/internal/config"
	"hoctap/internal/viewer"
)

// Options configure the GraphQL handler.
type Options struct {
	// Introspection turns on schema introspection (dev mode).
	Introspection bool
	Logger        *slog.Logger
	// MaxBody is the largest request body read, in bytes; 0 means the
	// server's default, config.DefaultMaxBody. A multipart request's
	// operations and map parts are each bounded by it too.
	MaxBody int64
	// MaxUpload bounds the files of a multipart request together, in
	// bytes; 0 means config.DefaultMaxUpload.
	MaxUpload int64
	// TmpDir is where uploaded files are spooled; the system's if "".
	TmpDir string
	// Gate, when set, lets its number of operations run at once, the
	// others waiting their turn (NewGate).
	Gate *Gate
}

// MaxCatalogueFile bounds each file of importUnits, which reads them
// whole: the national catalogue is 0.8 MB.
const MaxCatalogueFile = 8 << 20

// NewHandler returns the GraphQL endpoint: GraphQL over HTTP (GET and POST),
// a query cache and automatic persisted queries bounded in bytes, page-size,
// fan-out and complexity limits, one transaction per mutation field, and the
// error presenter.
func NewHandler(r *Resolver, opts Options) http.Handler {
	srv := handler.New(costedSchema{NewExecutableSchema(schemaConfig(r))})
	srv.AddTransport(transport.Options{})
	maxBody := cmp.Or(opts.MaxBody, config.DefaultMaxBody)
	// Files (lists to import, the official catalogue) come by the GraphQL
	// multipart request spec, bounded by --max-upload and spooled to disk;
	// every other body is JSON, bounded by --max-body.
	srv.AddTransport(uploadTransport{maxFiles: cmp.Or(opts.MaxUpload, config.DefaultMaxUpload), maxBody: maxBody, tmpDir: opts.TmpDir})
	srv.AddTransport(httpTransport{maxBody: maxBody, gate: opts.Gate})
	srv.SetQueryCache(newQueryCache(DefaultQueryCacheBytes))
	srv.SetValidationRulesFn(func() *rules.Rules {
		r := validationRules()
		if !opts.Introspection {
			r.AddRule(noIntrospectionRule.Name, noIntrospectionRule.RuleFunc)
		}
		return r
	})
	srv.SetParserTokenLimit(15000)
	srv.Use(persistedQueries{cache: newPersistedCache(DefaultPersistedCacheBytes)})
	if opts.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(newComplexityLimit())
	srv.Use(operationLimits{})
	srv.AroundOperations(withLoaders(r.client))
	// Root fields only: the executor marshals plain leaf fields without
	// passing them through field middleware (gqlgen.go, plainLeaves).
	srv.AroundRootFields(signInSlot)
	srv.AroundRootFields(guardTemporaryPassword)
	srv.AroundRootFields(transactions(r.Client))
	srv.SetErrorPresenter(presenter(opts.Logger))
	srv.SetRecoverFunc(recoverPanic)
	return refuseUnchecked(srv, opts.Logger)
}

// schemaConfig configures the executor. It gives no field a price function
// of its own: complexityLimit relies on that (TestComplexityFromPageSizes).
func schemaConfig(r *Resolver) Config {
	return Config{Resolvers: r, Directives: DirectiveRoot{InScope: inScope}}
}

// selfTransacting mutations manage their own transactions. The sign-in ones
// must record attempts even when they fail, which a rolled-back request
// transaction would lose.
var selfTransacting = map[string]bool{
	"login": true, "refreshSession": true, "logout": true, "changePassword": true,
	// The import runner writes its jobs itself, committed before its
	// background steps read them; SQLite's one writer must not be held by
	// the request meanwhile.
	"checkImport": true, "applyImport": true, "takeImportPasswords": true,
	// A claim records its attempt like a sign-in, then writes in a
	// transaction of its own.
	"claimCitizenRecord": true,
}

// transactions runs each mutation field in a transaction of its own, reached
// through ent.FromContext, and rolls it back if the field reports an error.
func transactions(client *ent.Client) graphql.RootFieldMiddleware {
	return func(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
		oc := graphql.GetOperationContext(ctx)
		fc := graphql.GetRootFieldContext(ctx)
		if oc.Operation.Operation != ast.Mutation || selfTransacting[fc.Field.Name] {
			return next(ctx)
		}
		tx, err := client.Tx(ctx)
		if err != nil {
			graphql.AddError(ctx, err)
			return graphql.Null
		}
		before := len(graphql.GetErrors(ctx))
		ctx = ent.NewTxContext(ctx, tx)
		ctx = ent.NewContext(ctx, tx.Client())
		var res graphql.Marshaler
		func() {
			defer func() {
				if p := recover(); p != nil {
					tx.Rollback()
					panic(p)
				}
			}()
			res = next(ctx)
		}()
		if len(graphql.GetErrors(ctx)) > before {
			if err := tx.Rollback(); err != nil {
				graphql.AddError(ctx, err)
			}
			return res
		}
		if err := tx.Commit(); err != nil {
			graphql.AddError(ctx, err)
			return graphql.Null
		}
		return res
	}
}

// allowedWithTemporaryPassword are the fields a user holding a temporary
// password may use: enough to change it.
var allowedWithTemporaryPassword = map[string]bool{
	"me": true, "changePassword": true, "logout": true, "refreshSession": true, "login": true, "__typename": true,
}

func guardTemporaryPassword(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	v := viewer.FromContext(ctx)
	if v != nil && v.MustChangePassword && !allowedWithTemporaryPassword[graphql.GetRootFieldContext(ctx).Field.Name] {
		graphql.AddError(ctx, auth.ErrMustChangePassword)
		return graphql.Null
	}
	return next(ctx)
}

// signInSlot lets the fields below login and refreshSession be read as the
// user who just signed in (see viewer.WithSlot).
func signInSlot(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	switch graphql.GetRootFieldContext(ctx).Field.Name {
	case "login", "refreshSession":
		if viewer.FromContext(ctx) == nil {
			ctx = viewer.WithSlot(ctx)
		}
	}
	return next(ctx)
}
