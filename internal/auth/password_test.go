package auth

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestHashSlots proves that password hashes wait for one of the bounded
// slots, so a burst of sign-ins cannot hold more than cap(hashSlots) ×
// 7 MiB, and that a sign-in whose request ends while it waits gives up
// with the request's error instead of a verdict on the password.
func TestHashSlots(t *testing.T) {
	hash, err := HashPassword("đúng mật khẩu 2026")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := VerifyPassword(context.Background(), hash, "đúng mật khẩu 2026"); !ok || err != nil {
		t.Fatalf("the right password: %v, %v", ok, err)
	}
	if ok, err := VerifyPassword(context.Background(), hash, "sai mật khẩu 2026"); ok || err != nil {
		t.Fatalf("a wrong password: %v, %v", ok, err)
	}

	// Every slot taken: a verification waits, and gives up when its
	// request ends.
	for range cap(hashSlots) {
		hashSlots <- struct{}{}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if ok, err := VerifyPassword(ctx, hash, "đúng mật khẩu 2026"); ok || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("with every slot taken: %v, %v; want the deadline's error", ok, err)
	}

	// A slot freed lets the waiting verification through.
	done := make(chan bool)
	go func() {
		ok, _ := VerifyPassword(context.Background(), hash, "đúng mật khẩu 2026")
		done <- ok
	}()
	select {
	case <-done:
		t.Fatal("a verification ran with every slot taken")
	case <-time.After(200 * time.Millisecond): // a hash takes ~20 ms
	}
	<-hashSlots
	if !<-done {
		t.Fatal("the right password, once a slot was free, did not match")
	}
	for range cap(hashSlots) - 1 {
		<-hashSlots
	}
}
