"""SQLite store: models, engine, repositories, unit of work, migrations, heartbeat engine."""
