package web

import "time"

func parseDate(s string) (*time.Time, error) {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		return nil, err
	}
	return &d, nil
}
