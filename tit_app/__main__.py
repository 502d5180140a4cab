from tit_app.cli import main

raise SystemExit(main())
