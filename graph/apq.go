package graph

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"hoctap/internal/apperr"
	"hoctap/internal/i18n"
)

// persistedQueries is Apollo's automatic persisted queries: a client sends
// extensions.persistedQuery.sha256Hash alone, and the text only when the
// server answers PERSISTED_QUERY_NOT_FOUND. gqlgen's own extension answers
// a wrong hash or version without a code (so INTERNAL here) and stores a
// text before it is known to parse; this one gives every refusal its code
// and stores only documents that passed validation.
type persistedQueries struct {
	cache graphql.Cache[string]
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
	graphql.OperationContextMutator
} = persistedQueries{}

// persistedStat names the hash to store once the document has validated.
const persistedStat = "PersistedQueries"

var (
	msgPersistedNotFound = i18n.Message{VI: "Máy chủ chưa có truy vấn mang mã băm này; hãy gửi kèm nội dung truy vấn.", EN: "The server does not know this persisted query; send its text along with the hash."}
	msgPersistedInvalid  = i18n.Message{VI: "extensions.persistedQuery phải có version 1 và sha256Hash gồm 64 chữ số hệ mười sáu.", EN: "extensions.persistedQuery needs version 1 and a sha256Hash of 64 hexadecimal digits."}
	msgPersistedMismatch = i18n.Message{VI: "sha256Hash không khớp với nội dung truy vấn.", EN: "The sha256Hash does not match the query text."}
)

func (persistedQueries) ExtensionName() string                   { return "PersistedQueries" }
func (persistedQueries) Validate(graphql.ExecutableSchema) error { return nil }

func (p persistedQueries) MutateOperationParameters(ctx context.Context, raw *graphql.RawParams) *gqlerror.Error {
	ext, ok := raw.Extensions["persistedQuery"]
	if !ok || ext == nil {
		return nil
	}
	hash, ok := persistedHash(ext)
	if !ok {
		return requestError(apperr.Input("extensions.persistedQuery", msgPersistedInvalid))
	}
	if raw.Query == "" {
		q, ok := p.cache.Get(ctx, hash)
		if !ok {
			return requestError(apperr.New(apperr.PersistedQueryNotFound, msgPersistedNotFound))
		}
		raw.Query = q
		return nil
	}
	sum := sha256.Sum256([]byte(raw.Query))
	if hex.EncodeToString(sum[:]) != hash {
		return requestError(apperr.Input("extensions.persistedQuery.sha256Hash", msgPersistedMismatch))
	}
	graphql.GetOperationContext(ctx).Stats.SetExtension(persistedStat, hash)
	return nil
}

// MutateOperationContext stores the text of a document sent with its hash,
// now that it has parsed and validated.
func (p persistedQueries) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if hash, ok := oc.Stats.GetExtension(persistedStat).(string); ok {
		p.cache.Add(ctx, hash, oc.RawQuery)
	}
	return nil
}

// persistedHash reads {"version": 1, "sha256Hash": "<64 hex digits>"}.
func persistedHash(ext any) (string, bool) {
	m, ok := ext.(map[string]any)
	if !ok {
		return "", false
	}
	hash, _ := m["sha256Hash"].(string)
	hash = strings.ToLower(hash)
	if len(hash) != 2*sha256.Size {
		return "", false
	}
	if _, err := hex.DecodeString(hash); err != nil {
		return "", false
	}
	switch v := m["version"].(type) {
	case json.Number:
		return hash, v.String() == "1"
	case float64:
		return hash, v == 1
	}
	return "", false
}

// requestError is an error found before the operation runs; the presenter
// finds the apperr.Error through it.
func requestError(e *apperr.Error) *gqlerror.Error {
	return &gqlerror.Error{Err: e, Message: e.Error()}
}
