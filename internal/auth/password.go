package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"hoctap/internal/apperr"
	"hoctap/internal/i18n"
)

// argon2id parameters: OWASP's minimum for argon2id (19 MiB, 2 passes), which
// keeps a sign-in near 20 ms on a small server while making offline guessing
// expensive.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

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
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var errBadHash = errors.New("malformed password hash")

// VerifyPassword reports whether password matches a hash made by
// HashPassword, with the parameters stored in the hash.
func VerifyPassword(hash, password string) (bool, error) {
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
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
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
