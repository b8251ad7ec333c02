first: bare
