package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"hoctap/internal/apperr"
	"hoctap/internal/i18n"
)

// argon2id parameters: one of OWASP's equivalent minimums for argon2id
// (7 MiB, 5 passes; the same defence as 19 MiB with 2), which keeps a
// sign-in near 20 ms of a core on a small server (28 ms at 19 MiB) while
// making offline guessing expensive. The smaller block matters to a server whose own heap is
// 20 MB: every sign-in leaves its block for the collector, and a morning's
// sign-ins at 19 MiB each set the server's peak memory (BENCHMARKS.md).
// Hashes made with other parameters still verify: each names its own.
const (
	argonTime    = 5
	argonMemory  = 7 * 1024
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// hashSlots bounds the argon2id hashes computed at once. Each holds
// argonMemory for its ~20 ms of a core, and more at once than there are
// cores only wait for the CPU: a burst of sign-ins (an office's morning,
// the load command's 32 officers, or someone posting logins as fast as they
// can) took the Go heap to 100 MB, the server's peak, where two at a time on
// two cores serve it as fast in 40 MB. Four at most, so a larger machine
// stays inside the same memory.
var hashSlots = make(chan struct{}, min(4, runtime.GOMAXPROCS(0)))

// idKey is argon2.IDKey in one of the hashSlots; it gives up with ctx's
// error if ctx ends first.
func idKey(ctx context.Context, password, salt []byte, t, m uint32, p uint8, keyLen uint32) ([]byte, error) {
	select {
	case hashSlots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-hashSlots }()
	return argon2.IDKey(password, salt, t, m, p, keyLen), nil
}

// Password policy.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 128
)

var (
	msgPasswordShort    = i18n.Message{VI: "Mật khẩu phải có ít nhất %d ký tự.", EN: "The password must have at least %d characters."}
	msgPasswordLong     = i18n.Message{VI: "Mật khẩu tối đa %d ký tự.", EN: "The password must have at most %d characters."}
	msgPasswordUsername = i18n.Message{VI: "Mật khẩu không được trùng hoặc chứa tên đăng nhập.", EN: "The password must not be or contain the username."}
	msgPasswordWeak     = i18n.Message{VI: "Mật khẩu quá đơn giản: cần ít nhất 4 ký tự khác nhau.", EN: "The password is too simple: use at least 4 different characters."}
)

// CheckPassword applies the password policy; field names the input in the
// error.
func CheckPassword(field, password, username string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case n < MinPasswordLen:
		return apperr.Input(field, msgPasswordShort, MinPasswordLen)
	case n > MaxPasswordLen:
		return apperr.Input(field, msgPasswordLong, MaxPasswordLen)
	case username != "" && strings.Contains(strings.ToLower(password), strings.ToLower(username)):
		return apperr.Input(field, msgPasswordUsername)
	}
	distinct := make(map[rune]bool)
	for _, r := range password {
		distinct[r] = true
	}
	if len(distinct) < 4 {
		return apperr.Input(field, msgPasswordWeak)
	}
	return nil
}

// HashPassword returns the argon2id hash of password in PHC string format.
func HashPassword(password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key, _ := idKey(context.Background(), []byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var errBadHash = errors.New("malformed password hash")

// currentParams is how HashPassword names its parameters in a hash.
var currentParams = fmt.Sprintf("m=%d,t=%d,p=%d", argonMemory, argonTime, argonThreads)

// NeedsRehash reports whether a hash that verified was made with other
// parameters than HashPassword's, so that signing in can replace it: the
// accounts of a database older than the 7 MiB parameters move to them one
// sign-in at a time.
func NeedsRehash(hash string) bool {
	parts := strings.Split(hash, "$")
	return len(parts) == 6 && parts[1] == "argon2id" && parts[3] != currentParams
}

// VerifyPassword reports whether password matches a hash made by
// HashPassword, with the parameters stored in the hash, or ctx's error if
// ctx ends while it waits for a hash slot.
func VerifyPassword(ctx context.Context, hash, password string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false, errBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil {
		return false, errBadHash
	}
	got, err := idKey(ctx, []byte(password), salt, t, m, p, uint32(len(want)))
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is verified against when a username does not exist, so that a
// wrong username takes as long as a wrong password.
var dummyHash, _ = HashPassword("not a real password")

// passwordAlphabet leaves out look-alike characters (0/O, 1/l/I).
const passwordAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// GeneratePassword returns a random password of n characters, for first
// start-up and temporary passwords.
func GeneratePassword(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = passwordAlphabet[int(b[i])%len(passwordAlphabet)]
	}
	return string(b)
}
