package auth

import "time"

// SetClock makes s read the time from now (tests move it forward).
func SetClock(s *Service, now func() time.Time) { s.now = now }
