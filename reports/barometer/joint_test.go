package barometer

import (
	"testing"
	"time"
)

func TestTabulateSyntheticQuick(t *testing.T) {
	set := syntheticEdition(t, 400, 1)
	start := time.Now()
	res, err := Tabulate(set, Options{})
	if err != nil {
		t.Fatal(err)
	}
	hidden := 0
	for _, tb := range res.Tables {
		for _, l := range tb.Cells {
			for _, c := range l {
				if !c.Shown {
					hidden++
				}
			}
		}
	}
	t.Logf("%d tables, %d numerics, %d hidden cells, %s", len(res.Tables), len(res.Numerics), hidden, time.Since(start))
}
