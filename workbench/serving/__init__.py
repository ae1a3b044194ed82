"""Serving the dashboards: the Voila command line (with the serving guards), each person's
Hub-authenticated server, the Hub's sign-in, accounts and spawner, signing in at launch and
stopping the process tree."""
