from alpine as base
  run echo indented
	Copy . /src
EnTrYpOiNt ["/bin/sh"]
