package main

// devCommands holds developer tools: scale-data generation for benchmarks.
// `dev generate` lands with the directory, whose tables it fills.
func devCommands() []command {
	return nil
}
