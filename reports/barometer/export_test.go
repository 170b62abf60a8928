package barometer

// SynthAnswers lends the synthetic answer generator to the benchmarks of
// the external test package (which may import web).
var SynthAnswers = synthAnswers
