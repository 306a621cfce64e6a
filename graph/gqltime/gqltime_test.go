package gqltime

import (
	"bytes"
	"testing"
	"time"
)

func TestMarshalTimeInUTC(t *testing.T) {
	vietnam := time.FixedZone("ICT", 7*60*60)
	for _, tt := range []struct {
		in   time.Time
		want string
	}{
		{time.Date(2025, 7, 1, 0, 0, 0, 0, vietnam), `"2025-06-30T17:00:00Z"`},
		{time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC), `"2025-07-01T00:00:00Z"`},
		{time.Time{}, `null`},
	} {
		var b bytes.Buffer
		MarshalTime(tt.in).MarshalGQL(&b)
		if b.String() != tt.want {
			t.Errorf("MarshalTime(%v) = %s, want %s", tt.in, b.String(), tt.want)
		}
	}
}
