// Package fuzz holds paystate's fuzz targets and long property runs. Nothing
// imports it. `make fuzz` runs them for longer than the test command does.
package fuzz
