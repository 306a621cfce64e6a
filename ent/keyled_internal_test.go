package ent

import (
	"context"
	"testing"
)

// TestKeyLed checks which statements the privacy filters may treat as led
// by keys: an eager load of the queried type's own table, by a column that
// leads one of its indexes (as ent/migrate declares them), and nothing else.
func TestKeyLed(t *testing.T) {
	for _, tt := range []struct {
		name          string
		table, column string // the load's; "" for no load
		typeName      string
		want          bool
	}{
		{"a village's households, by admin_unit_id", "learning_units", "admin_unit_id", TypeLearningUnit, true},
		{"households by id", "learning_units", "id", TypeLearningUnit, true},
		{"a household's registrations, by learning_unit_id", "registrations", "learning_unit_id", TypeRegistration, true},
		{"a campaign's registrations: no index leads with campaign_id", "registrations", "campaign_id", TypeRegistration, false},
		{"another table's filter inside the load's statement", "learning_units", "admin_unit_id", TypeAdminUnit, false},
		{"a column the table does not have", "learning_units", "no_such_column", TypeLearningUnit, false},
		{"no load: a list a resolver starts", "", "", TypeLearningUnit, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			if tt.table != "" {
				ctx = withKeyLed(ctx, tt.table, tt.column)
			}
			if got := KeyLed(ctx, tt.typeName); got != tt.want {
				t.Errorf("KeyLed = %v, want %v", got, tt.want)
			}
		})
	}
}
