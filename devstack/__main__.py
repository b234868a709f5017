from devstack.up import main

raise SystemExit(main())
