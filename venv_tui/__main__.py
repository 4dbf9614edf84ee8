from venv_tui.cli import main

raise SystemExit(main())
