from tracker_desktop.cli import main

raise SystemExit(main())
