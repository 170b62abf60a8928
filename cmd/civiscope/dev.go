package main

// devCommands holds developer tools: scale-data generation for benchmarks
// (cmd/civiscope/generate.go).
func devCommands() []command {
	return []command{generateCommand()}
}
