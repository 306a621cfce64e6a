package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"hoctap/internal/apperr"
	"hoctap/internal/errmap"
	"hoctap/internal/i18n"
)

const (
	typeJSON            = "application/json"
	typeGraphQLResponse = "application/graphql-response+json"
)

// httpTransport serves GraphQL over HTTP as the GraphQL-over-HTTP spec asks,
// where gqlgen's GET and POST transports do not: the body is read up to a
// limit; every refusal is a GraphQL response whose error has a code (gqlgen
// echoed a malformed body back, Go type names included, and answered a body
// that timed out with 200); under application/json, documents that fail to
// parse or validate answer 200, under application/graphql-response+json
// every request error answers 4xx; GET runs queries only, with 405.
type httpTransport struct {
	maxBody int64
	// gate, when set, has the operations take turns once read (Gate).
	gate *Gate
}

var _ graphql.Transport = httpTransport{}

// Supports takes every request Options does not: it answers the methods it
// does not serve itself, with a coded error.
func (httpTransport) Supports(*http.Request) bool { return true }

var (
	msgMethod        = i18n.Message{VI: "Phương thức %s không được hỗ trợ; hãy dùng GET hoặc POST.", EN: "Method %s is not supported; use GET or POST."}
	msgGetMutation   = i18n.Message{VI: "Chỉ gửi được truy vấn (query) bằng GET; thao tác %s phải gửi bằng POST.", EN: "GET carries queries only; send a %s with POST."}
	msgContentType   = i18n.Message{VI: "Nội dung yêu cầu phải có Content-Type: application/json.", EN: "The request body must have Content-Type: application/json."}
	msgBodyTooLarge  = i18n.Message{VI: "Yêu cầu quá lớn (tối đa %d byte).", EN: "The request is too large (at most %d bytes)."}
	msgBodyTimeout   = i18n.Message{VI: "Nội dung yêu cầu không đến kịp thời hạn của máy chủ.", EN: "The request body did not arrive in the time the server allows."}
	msgBodyUnread    = i18n.Message{VI: "Không đọc được nội dung yêu cầu.", EN: "The request body could not be read."}
	msgNotGraphQL    = i18n.Message{VI: "Nội dung yêu cầu không phải một yêu cầu GraphQL: cần một đối tượng JSON {\"query\": chuỗi, \"variables\": đối tượng, \"operationName\": chuỗi, \"extensions\": đối tượng}.", EN: "The body is not a GraphQL request: send a JSON object {\"query\": string, \"variables\": object, \"operationName\": string, \"extensions\": object}."}
	msgNoQuery       = i18n.Message{VI: "Thiếu truy vấn (query).", EN: "The query is missing."}
	msgParamNotJSONs = i18n.Message{VI: "Tham số %s phải là một đối tượng JSON.", EN: "The %s parameter must be a JSON object."}
)

// refusal is a request refused before it became a GraphQL operation.
type refusal struct {
	status int
	err    *apperr.Error
}

func (t httpTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	media := responseMedia(r.Header.Get("Accept"))
	w.Header().Set("Content-Type", media+"; charset=utf-8")
	start := graphql.Now()
	var (
		params *graphql.RawParams
		bad    *refusal
	)
	switch r.Method {
	case http.MethodGet:
		params, bad = fromURL(r.URL)
	case http.MethodPost:
		params, bad = t.fromBody(w, r)
	default:
		w.Header().Set("Allow", "GET, POST, OPTIONS")
		bad = &refusal{http.StatusMethodNotAllowed, apperr.Input("", msgMethod, r.Method)}
	}
	ctx := r.Context()
	if bad != nil {
		write(w, bad.status, exec.DispatchError(ctx, gqlerror.List{requestError(bad.err)}))
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	// Read before its turn: a client sending slowly holds no slot.
	if err := t.gate.enter(ctx); err != nil {
		if errors.Is(err, context.Canceled) {
			return // the client left: no one to answer
		}
		apperr.Unavailable.SetRetryAfter(w.Header())
		write(w, http.StatusServiceUnavailable, exec.DispatchError(ctx, gqlerror.List{requestError(errBusy)}))
		return
	}
	defer t.gate.leave()
	execute(ctx, w, media, exec, params, r.Method == http.MethodGet)
}

// execute runs a request's operation and writes its response; queriesOnly
// refuses anything but a query (a GET).
func execute(ctx context.Context, w http.ResponseWriter, media string, exec graphql.GraphExecutor, params *graphql.RawParams, queriesOnly bool) {
	oc, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		resp := exec.DispatchError(graphql.WithOperationContext(ctx, oc), errs)
		status := http.StatusOK
		if media == typeGraphQLResponse {
			status = refusedStatus(resp)
		}
		write(w, status, resp)
		return
	}
	if queriesOnly && oc.Operation.Operation != ast.Query {
		w.Header().Set("Allow", "POST")
		e := apperr.Input("", msgGetMutation, oc.Operation.Operation)
		write(w, http.StatusMethodNotAllowed, exec.DispatchError(graphql.WithOperationContext(ctx, oc), gqlerror.List{requestError(e)}))
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, oc)
	resp := responses(ctx)
	if resp == nil {
		// gqlgen answers nothing when the context ended before the operation
		// ran: the client left (no one to answer), or the request's deadline
		// passed while it waited.
		if errors.Is(ctx.Err(), context.Canceled) {
			return
		}
		resp = exec.DispatchError(ctx, gqlerror.List{requestError(errmap.Of(ctx, ctx.Err()))})
	}
	write(w, http.StatusOK, resp)
}

// fromBody reads a POST body: at most maxBody bytes of one JSON object.
func (t httpTransport) fromBody(w http.ResponseWriter, r *http.Request) (*graphql.RawParams, *refusal) {
	if ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || ct != typeJSON {
		return nil, &refusal{http.StatusUnsupportedMediaType, apperr.Input("", msgContentType)}
	}
	tooLarge := &refusal{http.StatusRequestEntityTooLarge, apperr.New(apperr.QueryTooComplex, msgBodyTooLarge, t.maxBody)}
	if r.ContentLength > t.maxBody {
		return nil, tooLarge
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, t.maxBody))
	var max *http.MaxBytesError
	switch {
	case errors.As(err, &max):
		return nil, tooLarge
	case errors.Is(err, os.ErrDeadlineExceeded):
		// The server's ReadTimeout passed while the body trickled in.
		return nil, &refusal{http.StatusRequestTimeout, apperr.Input("", msgBodyTimeout).Wrap(err)}
	case err != nil:
		return nil, &refusal{http.StatusBadRequest, apperr.Input("", msgBodyUnread).Wrap(err)}
	}
	var p graphql.RawParams
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	// The decoder's message is not passed on: it quotes the body and names
	// Go types, and a client learns nothing from either.
	if err := dec.Decode(&p); err != nil || dec.Decode(new(json.RawMessage)) != io.EOF {
		return nil, &refusal{http.StatusBadRequest, apperr.Input("", msgNotGraphQL)}
	}
	if p.Query == "" && p.Extensions["persistedQuery"] == nil {
		return nil, &refusal{http.StatusBadRequest, apperr.Input("query", msgNoQuery)}
	}
	return &p, nil
}

// fromURL reads a GET request's parameters.
func fromURL(u *url.URL) (*graphql.RawParams, *refusal) {
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, &refusal{http.StatusBadRequest, apperr.Input("", msgNotGraphQL)}
	}
	p := &graphql.RawParams{Query: q.Get("query"), OperationName: q.Get("operationName")}
	for name, into := range map[string]*map[string]any{"variables": &p.Variables, "extensions": &p.Extensions} {
		v := q.Get(name)
		if v == "" {
			continue
		}
		dec := json.NewDecoder(strings.NewReader(v))
		dec.UseNumber()
		if dec.Decode(into) != nil {
			return nil, &refusal{http.StatusBadRequest, apperr.Input(name, msgParamNotJSONs, name)}
		}
	}
	if p.Query == "" && p.Extensions["persistedQuery"] == nil {
		return nil, &refusal{http.StatusBadRequest, apperr.Input("query", msgNoQuery)}
	}
	return p, nil
}

// responseMedia is application/graphql-response+json when the client
// accepts it at least as much as application/json (API.md), else
// application/json, which is also the answer to no Accept header at all.
func responseMedia(accept string) string {
	var gr, js float64
	for part := range strings.SplitSeq(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if s, ok := params["q"]; ok {
			if q, err = strconv.ParseFloat(s, 64); err != nil {
				continue
			}
		}
		switch mt {
		case typeGraphQLResponse:
			gr = max(gr, q)
		case typeJSON, "application/*", "*/*":
			js = max(js, q)
		}
	}
	if gr > 0 && gr >= js {
		return typeGraphQLResponse
	}
	return typeJSON
}

// refusedStatus is the status of a request error (one with no data) under
// application/graphql-response+json, which must be 4xx or 5xx: the status of
// its code, 400 for a document that does not parse or validate.
func refusedStatus(resp *graphql.Response) int {
	if len(resp.Errors) > 0 {
		if code, ok := resp.Errors[0].Extensions["code"].(string); ok {
			return apperr.Code(code).HTTPStatus()
		}
	}
	return http.StatusBadRequest
}

var dataPrefix, dataSuffix = []byte(`{"data":`), []byte("}")

func write(w http.ResponseWriter, status int, resp *graphql.Response) {
	if len(resp.Errors) == 0 && len(resp.Extensions) == 0 && resp.Data != nil && resp.Label == "" && resp.Path == nil && resp.HasNext == nil {
		// Most answers: the data alone, as gqlgen's marshalers wrote it.
		// json.Marshal would scan it all again to compact it.
		w.WriteHeader(status)
		w.Write(dataPrefix)
		w.Write(resp.Data)
		w.Write(dataSuffix)
		return
	}
	var v any = resp
	if resp.Data == nil {
		// A request error: the GraphQL spec leaves the data entry out when
		// nothing ran, where gqlgen writes "data": null.
		v = struct {
			Errors     gqlerror.List  `json:"errors"`
			Extensions map[string]any `json:"extensions,omitempty"`
		}{resp.Errors, resp.Extensions}
	}
	b, err := json.Marshal(v)
	if err != nil {
		// The data is JSON its marshalers wrote; the recovery middleware
		// logs this with the request id, as gqlgen's transports would.
		panic(fmt.Errorf("encode response: %w", err))
	}
	w.WriteHeader(status)
	w.Write(b)
}
