package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"
)

// Object is one synced object as the sync document selects it: its fields
// by their GraphQL names (`__typename`, `id`, `version`, `adminUnit`
// {`id`}, …), as decoded from JSON.
type Object map[string]any

// Typename is the object's GraphQL type, e.g. LearningUnit.
func (o Object) Typename() string { return o.String("__typename") }

// ID is the object's global id.
func (o Object) ID() string { return o.String("id") }

// Version is the object's version, 0 for types without one.
func (o Object) Version() int {
	f, _ := o["version"].(float64)
	return int(f)
}

// String is a text field, "" when null or absent.
func (o Object) String(field string) string {
	s, _ := o[field].(string)
	return s
}

// Ref is the id of the object an edge leads to (`parent { id }`), "" when
// there is none.
func (o Object) Ref(edge string) string {
	m, _ := o[edge].(map[string]any)
	return Object(m).ID()
}

// Op is one write of the outbox: the input of one of applyChanges'
// operations (createLearningUnit, updateLearningUnit, register, evaluate…).
type Op struct {
	OpID     string         `json:"opID"`
	Mutation string         `json:"mutation"`
	Input    map[string]any `json:"input"`
	// Base is the object an update was based on, as the store held it when
	// the write was queued: the "mine" side of a conflict starts from it.
	Base Object `json:"base,omitempty"`
}

// ClientID is the clientID a create carries, "" for other writes.
func (o Op) ClientID() string {
	s, _ := o.Input["clientID"].(string)
	return s
}

// operation is the op as applyChanges takes it: {opID, <mutation>: input}.
func (o Op) operation() map[string]any {
	return map[string]any{"opID": o.OpID, o.Mutation: o.Input}
}

// Conflict is a queued update the server refused because the object
// changed since the version it was based on. Both versions are here for
// the app to show; it stays in the store until resolved (Client.KeepMine
// or Client.TakeServer).
type Conflict struct {
	Op Op `json:"op"`
	// Server is the server's current version of the object (the fields
	// ApplyQueue selects).
	Server Object `json:"server"`
	// Mine is the object as the app last synced it with the queued change
	// on top: what the user wanted.
	Mine Object `json:"mine"`
	// Message says what changed, in the client's language.
	Message string `json:"message"`
}

// Store is the phone's data: the synced objects by global id, the feed's
// cursor, the outbox of writes not yet sent, and the conflicts waiting for
// the user. Queued writes are not applied to the objects: the app shows
// the outbox on top of them until Push and Sync bring the server's
// versions. It is safe for concurrent use (the app queues writes while a
// sync runs). A Store opened from a file writes itself back after every
// change, so the phone survives a restart with its queue intact.
type Store struct {
	mu   sync.Mutex
	path string
	data storeData
}

// storeData is what a Store keeps, as saved to its file.
type storeData struct {
	Objects   map[string]Object `json:"objects"`
	Cursor    string            `json:"cursor,omitempty"`
	Outbox    []Op              `json:"outbox"`
	Conflicts []Conflict        `json:"conflicts"`
}

// NewStore returns an empty store kept in memory only.
func NewStore() *Store {
	return &Store{data: storeData{Objects: map[string]Object{}}}
}

// OpenStore returns the store saved in the file at path, or an empty one
// saved there from now on when there is no such file yet.
func OpenStore(path string) (*Store, error) {
	s := NewStore()
	s.path = path
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open the store: %w", err)
	}
	if err := json.Unmarshal(b, &s.data); err != nil {
		return nil, fmt.Errorf("read the store %s: %w", path, err)
	}
	if s.data.Objects == nil {
		s.data.Objects = map[string]Object{}
	}
	return s, nil
}

// save writes the store to its file, if it has one, with s.mu held. The
// file is replaced whole (written aside, then renamed), so a crash leaves
// either the old state or the new, never a page's objects without its
// cursor.
func (s *Store) save() error {
	if s.path == "" {
		return nil
	}
	b, err := json.Marshal(s.data)
	if err != nil {
		return fmt.Errorf("encode the store: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.path), ".store-*")
	if err != nil {
		return fmt.Errorf("save the store: %w", err)
	}
	defer os.Remove(tmp.Name()) // after the rename, there is nothing left to remove
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("save the store: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("save the store: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save the store: %w", err)
	}
	if err := os.Rename(tmp.Name(), s.path); err != nil {
		return fmt.Errorf("save the store: %w", err)
	}
	return nil
}

// Get returns the synced object of a global id.
func (s *Store) Get(id string) (Object, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.data.Objects[id]
	return o, ok
}

// Objects returns the synced objects by global id (a copy of the map).
func (s *Store) Objects() map[string]Object {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.data.Objects)
}

// Cursor is where the next sync resumes, "" before the first.
func (s *Store) Cursor() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.data.Cursor
}

// Outbox returns the writes not yet sent, in order.
func (s *Store) Outbox() []Op {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.data.Outbox)
}

// Conflicts returns the conflicts waiting for the user.
func (s *Store) Conflicts() []Conflict {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.data.Conflicts)
}

// enqueue appends a write to the outbox.
func (s *Store) enqueue(op Op) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data.Outbox = append(s.data.Outbox, op)
	return s.save()
}

// forgetCursor makes the next sync a full one.
func (s *Store) forgetCursor() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data.Cursor = ""
	return s.save()
}

// applyPage stores a page of the feed and its cursor together.
func (s *Store) applyPage(p changesPage) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.Reset {
		clear(s.data.Objects)
	}
	for _, c := range p.Changes {
		switch {
		case c.Node != nil:
			s.data.Objects[c.Node.ID()] = c.Node
		case c.Tombstone != nil:
			delete(s.data.Objects, c.Tombstone.ID)
		}
	}
	s.data.Cursor = p.Cursor
	return s.save()
}
