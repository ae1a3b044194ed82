"""How the workbench is served: the team deployment's Hub sign-in and accounts."""
