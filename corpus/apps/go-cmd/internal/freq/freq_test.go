package freq

import "testing"

func TestTop(t *testing.T) {
	got := Top("the cat and the hat; The end.", 2)
	if len(got) != 2 || got[0] != (Pair{"the", 3}) || got[1] != (Pair{"and", 1}) {
		t.Fatalf("Top = %v", got)
	}
}

func TestTopEmpty(t *testing.T) {
	if got := Top("", 3); len(got) != 0 {
		t.Fatalf("Top(\"\") = %v", got)
	}
}
