"""How the workbench is served: the serving guards, and the team deployment's Hub sign-in,
accounts and spawner."""
