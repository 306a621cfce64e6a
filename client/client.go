// Package client is the reference offline-first client of hoctap: what a
// mobile app does to keep a commune on the phone, written small enough to
// port. It signs in, syncs the changes feed into a local Store, queues
// writes while offline and sends them with applyChanges, keeping what the
// network lost and surfacing conflicts and refusals (README, "For mobile
// teams"). The tests of this package run it end to end against the real
// handler.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// refreshMargin is how long before its expiry an access token is traded
// for a new one, so a request never races the expiry.
const refreshMargin = 30 * time.Second

// maxResponse bounds what the client reads of one answer (a sync page of
// 200 objects is well under it).
const maxResponse = 32 << 20

// Client talks to one hoctap server for one signed-in user. Its Store is
// the phone's copy of the scope and the queue of writes made offline.
type Client struct {
	// URL is the GraphQL endpoint, e.g. https://hoctap.example/query.
	URL string
	// HTTP sends the requests; http.DefaultClient when nil.
	HTTP *http.Client
	// Language is sent as Accept-Language: "vi" (the server's default) or "en".
	Language string
	// Store is the local copy and the outbox.
	Store *Store

	mu      sync.Mutex
	session Session
}

// Session is what a sign-in gives: keep it in the platform's secure storage
// to stay signed in across restarts (Resume).
type Session struct {
	AccessToken  string    `json:"accessToken"`
	RefreshToken string    `json:"refreshToken"`
	ExpiresAt    time.Time `json:"accessTokenExpiresAt"`
	User         User      `json:"user"`
}

// User is the signed-in account, with the unit its scope is.
type User struct {
	ID       string `json:"id"`
	FullName string `json:"fullName"`
	Role     string `json:"role"`
	Scope    struct {
		ID    string `json:"id"`
		Name  string `json:"name"`
		Level string `json:"level"`
	} `json:"scope"`
}

// Error is an error the API answered, with its code (API.md) and the input
// field at fault, if any. Anything else a Client returns is a network or
// decoding failure: the request may or may not have reached the server.
type Error struct {
	Code    string
	Field   string
	Message string
	// RetryAfter is how long the server asks to wait before trying again
	// (with UNAVAILABLE), 0 when it does not say.
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s on %s: %s", e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// CodeOf returns the API's code of err, "" when err is not an answer of the
// API (a network failure, say).
func CodeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// New returns a client of the endpoint url keeping its data in store.
func New(url string, store *Store) *Client {
	return &Client{URL: url, Store: store}
}

// SignIn signs in and keeps the session.
func (c *Client) SignIn(ctx context.Context, username, password string) (User, error) {
	var out struct{ Login Session }
	if err := c.post(ctx, "", SignIn, map[string]any{"u": username, "p": password}, &out); err != nil {
		return User{}, fmt.Errorf("sign in: %w", err)
	}
	c.mu.Lock()
	c.session = out.Login
	c.mu.Unlock()
	return out.Login.User, nil
}

// Session returns the current session, to keep across restarts.
func (c *Client) Session() Session {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.session
}

// Resume continues a session kept from before (Session).
func (c *Client) Resume(s Session) {
	c.mu.Lock()
	c.session = s
	c.mu.Unlock()
}

// SignOut ends the session on the server and forgets it. The Store is left
// as it is: an app that hands the phone to someone else drops it, after
// sending its outbox.
func (c *Client) SignOut(ctx context.Context) error {
	s := c.Session()
	if s.RefreshToken == "" {
		return nil
	}
	if err := c.post(ctx, "", SignOut, map[string]any{"t": s.RefreshToken}, nil); err != nil {
		return fmt.Errorf("sign out: %w", err)
	}
	c.Resume(Session{})
	return nil
}

// refresh trades the refresh token for a new pair, unless another request
// already replaced the access token stale. Each refresh token works once
// (an old one presented again ends the session), so one refresh runs at a
// time and its new pair is kept before anything else happens.
func (c *Client) refresh(ctx context.Context, stale string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.session.AccessToken != stale {
		return nil
	}
	var out struct{ RefreshSession Session }
	if err := c.post(ctx, "", Refresh, map[string]any{"t": c.session.RefreshToken}, &out); err != nil {
		return fmt.Errorf("refresh the session: %w", err)
	}
	out.RefreshSession.User = c.session.User // Refresh does not select the user
	c.session = out.RefreshSession
	return nil
}

// Do runs a GraphQL document as the signed-in user and decodes its data
// into out (when not nil). It refreshes the session before the access
// token expires and once on UNAUTHENTICATED, then sends the request again:
// a request refused for its token ran nothing, so resending is safe.
func (c *Client) Do(ctx context.Context, doc string, vars map[string]any, out any) error {
	s := c.Session()
	if s.RefreshToken != "" && time.Until(s.ExpiresAt) < refreshMargin {
		if err := c.refresh(ctx, s.AccessToken); err != nil {
			return err
		}
		s = c.Session()
	}
	err := c.post(ctx, s.AccessToken, doc, vars, out)
	if CodeOf(err) == "UNAUTHENTICATED" && s.RefreshToken != "" {
		if err := c.refresh(ctx, s.AccessToken); err != nil {
			return err
		}
		err = c.post(ctx, c.Session().AccessToken, doc, vars, out)
	}
	return err
}

// post sends one GraphQL request and decodes its answer. The first error
// of the answer, if any, is returned as an *Error.
func (c *Client) post(ctx context.Context, token, doc string, vars map[string]any, out any) error {
	body, err := json.Marshal(map[string]any{"query": doc, "variables": vars})
	if err != nil {
		return fmt.Errorf("encode the request: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("build the request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if c.Language != "" {
		req.Header.Set("Accept-Language", c.Language)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("send %s: %w", operationName(doc), err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return fmt.Errorf("read the answer of %s: %w", operationName(doc), err)
	}
	var answer struct {
		Data   json.RawMessage
		Errors []struct {
			Message    string
			Extensions struct{ Code, Field string }
		}
	}
	if err := json.Unmarshal(raw, &answer); err != nil {
		return fmt.Errorf("%s answered HTTP %d, not GraphQL: %w", operationName(doc), resp.StatusCode, err)
	}
	if len(answer.Errors) > 0 {
		e := answer.Errors[0]
		secs, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
		return &Error{Code: e.Extensions.Code, Field: e.Extensions.Field, Message: e.Message, RetryAfter: time.Duration(secs) * time.Second}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(answer.Data, out); err != nil {
		return fmt.Errorf("decode the answer of %s: %w", operationName(doc), err)
	}
	return nil
}

// operationName is the name of a document's operation, for messages.
func operationName(doc string) string {
	f := strings.Fields(doc)
	if len(f) < 2 {
		return "request"
	}
	name, _, _ := strings.Cut(f[1], "(")
	return name
}
