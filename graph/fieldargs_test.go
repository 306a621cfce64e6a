package graph

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
)

// TestFieldArgsDecodedOncePerField: a field's arguments are decoded the
// first time the field is executed on an object type and then reused for
// every other object of the operation; arguments that fail to decode are
// not kept, so each use reports the error.
func TestFieldArgsDecodedOncePerField(t *testing.T) {
	regs := &ast.Field{Name: "registrations", Arguments: ast.ArgumentList{{Name: "first", Value: &ast.Value{Kind: ast.IntValue, Raw: "5"}}}}
	other := &ast.Field{Name: "registrations"}
	for _, tt := range []struct {
		name  string
		keys  []argsKey
		fail  bool
		calls int // decodes expected
	}{
		{"one field on 20 rows", repeat(argsKey{regs, "LearningUnit"}, 20), false, 1},
		{"the same field on two object types", []argsKey{{regs, "LearningUnit"}, {regs, "Decision"}, {regs, "LearningUnit"}}, false, 2},
		{"two fields", []argsKey{{regs, "LearningUnit"}, {other, "LearningUnit"}}, false, 2},
		{"a failing decode is not kept", repeat(argsKey{regs, "LearningUnit"}, 3), true, 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := &argsCache{m: map[argsKey]map[string]any{}}
			calls := 0
			decode := func(_ context.Context, raw map[string]any) (map[string]any, error) {
				calls++
				if tt.fail {
					return nil, errors.New("bad argument")
				}
				return map[string]any{"decoded": raw}, nil
			}
			var first map[string]any
			for i, k := range tt.keys {
				args, err := c.get(context.Background(), k, decode)
				if tt.fail {
					if err == nil {
						t.Fatalf("use %d: no error", i)
					}
					continue
				}
				if err != nil {
					t.Fatalf("use %d: %v", i, err)
				}
				if k == tt.keys[0] {
					if first == nil {
						first = args
					} else if fmt.Sprintf("%p", args) != fmt.Sprintf("%p", first) {
						t.Fatalf("use %d: decoded anew", i)
					}
				}
			}
			if calls != tt.calls {
				t.Errorf("decoded %d times, want %d", calls, tt.calls)
			}
		})
	}
}

func repeat(k argsKey, n int) []argsKey {
	out := make([]argsKey, n)
	for i := range out {
		out[i] = k
	}
	return out
}
