package graph

import (
	"slices"
	"testing"
)

func TestInputFieldsInOrder(t *testing.T) {
	order := []string{"not", "and", "or", "id", "kind", "hasCampaignWith"}
	tests := []struct {
		in   map[string]any
		want []string
	}{
		{nil, nil},
		{map[string]any{"kind": 1}, []string{"kind"}},
		{map[string]any{"hasCampaignWith": 1, "id": 2, "not": 3}, []string{"not", "id", "hasCampaignWith"}},
		// Not of the type: left out, as validation refused it.
		{map[string]any{"nope": 1, "or": 2}, []string{"or"}},
	}
	for _, tt := range tests {
		if got := inputFieldsInOrder(tt.in, order); !slices.Equal(got, tt.want) {
			t.Errorf("inputFieldsInOrder(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
