package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestImportAdoptionsCommand(t *testing.T) {
	ctx := context.Background()
	run := func(args ...string) (int, string, string) {
		a, out, errb := testApp("")
		code := a.Main(ctx, args)
		return code, out.String(), errb.String()
	}
	if code, _, errb := run("import", "adoptions"); code != 2 || !strings.Contains(errb, "--source") {
		t.Fatalf("no --source: exit %d, %q", code, errb)
	}
	if code, _, errb := run("import", "adoptions", "--source", "wikipedia"); code != 1 || !strings.Contains(errb, "unknown source") {
		t.Fatalf("unknown source: exit %d, %q", code, errb)
	}
	if code, out, errb := run("import", "seed"); code != 0 || !strings.Contains(out, "tools created") {
		t.Fatalf("import seed: exit %d, %q %q", code, out, errb)
	}
	// A decidim file given as the etalab catalogue is refused before any write.
	dir := t.TempDir()
	wrong := filepath.Join(dir, "decidim.json")
	raw, err := readInput(nil, "sources/decidim_installations.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(wrong, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errb := run("import", "adoptions", "--source", "etalab", wrong); code != 1 || !strings.Contains(errb, "not Etalab") {
		t.Fatalf("wrong file: exit %d, %q", code, errb)
	}
	code, out, errb := run("import", "adoptions", "--source", "consul", "--report")
	if code != 0 {
		t.Fatalf("consul import: exit %d, %s", code, errb)
	}
	for _, want := range []string{"Import report: consul", "Departamento de Aude", "departement Aude (11", "RIVP", "adoptions created"} {
		if !strings.Contains(out, want) {
			t.Errorf("consul report lacks %q", want)
		}
	}
	// Again: nothing new.
	if code, out, _ := run("import", "adoptions", "--source", "consul"); code != 0 || !strings.Contains(out, "0 adoptions created") {
		t.Fatalf("second consul import: exit %d, %q", code, out)
	}
}

func TestDevGenerateRefusesTheMainDatabase(t *testing.T) {
	a, _, errb := testApp("")
	code := a.Main(context.Background(), []string{"dev", "generate", "--database-url", a.Config.DatabaseURL})
	if code != 1 || !strings.Contains(errb.String(), "main database") {
		t.Fatalf("exit %d, %q", code, errb.String())
	}
}
