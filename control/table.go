package control

// impls attaches the run functions to the verbs of the api table, by
// name. Every verb of api.Verbs has one and nothing else has one
// (TestEveryVerbHasAnImpl).
var impls = map[string]impl{
	// Tasks (aioctl).
	"status":    {check: checkStatusLines, run: runStatus},
	"is-active": {run: runIsActive},
	"start":     {run: runStart},
	"stop":      {run: runStop},
	"restart":   {run: runRestart},
	"delete":    {run: runDelete},
	"result":    {run: runResult},
	"traceback": {run: runTraceback},
	"debug":     {check: checkOnOff, run: runDebug},
	"set args":  {run: runSetArgs},
	"clone":     {run: runClone},
	"add":       {run: runAdd},
	"stats":     {run: runStats},
	"watch":     {stream: streamWatch},

	// Log (aiolog).
	"log":    {check: checkLogFlags, run: runLog, stream: streamLog},
	"follow": {check: checkLogFlags, stream: streamLog},

	"log level": {run: runLogLevel},
	"errlog":    {check: checkIntFlags("lines"), run: runErrlog},

	// Schedules (aioschedule).
	"schedule list": {run: runScheduleList},
	"schedule next": {check: checkScheduleNext, run: runScheduleNext},
	"schedule set":  {run: runScheduleSet},
	"schedule rm":   {run: runScheduleRm},

	// Services (aioservice).
	"services list":       {run: runServicesList},
	"services status":     {run: runServicesStatus},
	"services load":       {run: runServicesLoad},
	"services add":        {run: runServicesAdd},
	"services remove":     {run: runServicesRemove},
	"services unload":     {run: runServicesUnload},
	"services report":     {run: runServicesReport},
	"services boot":       {run: runServicesBoot},
	"services enable":     {run: runServicesEnable},
	"services disable":    {run: runServicesDisable},
	"services config":     {run: runServicesConfig},
	"services get-config": {run: runServicesGetConfig},
	"services traceback":  {run: runServicesTraceback},
	"boot order":          {run: runBootOrder},

	// The interpreter itself.
	"help":  {run: runHelp},
	"names": {check: checkNamesKind, run: runNames},
}

// helps add to a verb's help what only the program knows (help add: the
// kinds it registered). Apart from impls, which runHelp reads.
var helps = map[string]func(in *Interp) string{
	"add": kindsHelp,
}
