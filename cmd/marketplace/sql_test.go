package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// `marketplace sql` shows a statement written once for the three kinds as each kind's own.
func TestSQLCommand(t *testing.T) {
	var out, errs bytes.Buffer
	a := &app{stdout: &out, stderr: &errs}
	if code := run(context.Background(), a, []string{"sql", "incentive_lock_by_id"}); code != exitOK {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	if text := out.String(); !strings.Contains(text, "FROM incentives c") || strings.Contains(text, "{table}") {
		t.Errorf("incentive_lock_by_id:\n%s", text)
	}
	out.Reset()
	if code := run(context.Background(), a, []string{"sql"}); code != exitOK || !strings.Contains(out.String(), "\nprogramme_lock_by_id\n") {
		t.Errorf("the list (exit %d) lacks programme_lock_by_id", code)
	}
	if code := run(context.Background(), a, []string{"sql", "no_such_statement"}); code != exitUsage {
		t.Errorf("an unknown name: exit %d, want %d", code, exitUsage)
	}
}
