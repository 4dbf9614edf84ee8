"""Finding interpreters and environments: PATH, pyenv, tool folders, the walk."""
