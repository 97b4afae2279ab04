module github.com/aiotools-go/aiotools

go 1.26

require (
	github.com/robfig/cron/v3 v3.0.1 // indirect
	go.uber.org/goleak v1.3.0 // indirect
)
