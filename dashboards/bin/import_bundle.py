"""Imports the dashboards bundle into Superset, overwriting what an earlier import made, and ensures the admin user.

Run with the Superset venv's python and SUPERSET_CONFIG_PATH set (dashboards/bin/dashboards up does). The bundle is
Superset's assets export format (metadata.yaml, databases/, datasets/, charts/, dashboards/, linked by UUID); the
database file carries the placeholder SQL_ENDPOINT_URI, replaced here by --sql-uri. Superset's ImportAssetsCommand
is the one meant for assets kept under source control: it overwrites databases, datasets, charts and dashboards, so
a changed bundle takes effect on the next `dashboards up`.
"""

import argparse
import logging
import sys
from pathlib import Path

PLACEHOLDER = "SQL_ENDPOINT_URI"


def read_bundle(bundle: Path, sql_uri: str) -> dict[str, str]:
    contents: dict[str, str] = {}
    for path in sorted(bundle.rglob("*.yaml")):
        name = path.relative_to(bundle).as_posix()
        text = path.read_text(encoding="utf-8")
        if name.startswith("databases/"):
            if PLACEHOLDER not in text:
                raise SystemExit(f"import_bundle: {name} has no {PLACEHOLDER} placeholder for the SQL endpoint")
            text = text.replace(PLACEHOLDER, sql_uri)
        contents[name] = text
    if "metadata.yaml" not in contents:
        raise SystemExit(f"import_bundle: {bundle} has no metadata.yaml")
    return contents


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bundle", type=Path, required=True)
    parser.add_argument("--sql-uri", required=True)
    parser.add_argument("--admin", default="admin")
    parser.add_argument("--password-file", type=Path, required=True)
    args = parser.parse_args()
    contents = read_bundle(args.bundle, args.sql_uri)
    password = args.password_file.read_text(encoding="utf-8").strip()

    from superset.app import create_app

    app = create_app()
    with app.app_context():
        from superset import db, security_manager
        from superset.commands.importers.v1.assets import ImportAssetsCommand
        from superset.utils.core import override_user

        user = security_manager.find_user(username=args.admin)
        if user is None:
            user = security_manager.add_user(args.admin, "carelake", "admin", f"{args.admin}@localhost",
                                             security_manager.find_role("Admin"), password=password)
            if not user:
                raise SystemExit(f"import_bundle: could not create the user {args.admin}")
            print(f"import_bundle: created the user {args.admin}")
        else:
            security_manager.reset_password(user.id, password)
        db.session.commit()

        # Importing a database also creates its catalog and schema permissions, which means connecting to it. Without
        # the SQL endpoint running that fails the whole import; the admin needs none of them, so go on without.
        import superset.commands.database.importers.v1.utils as database_import

        add_permissions = database_import.add_permissions

        def add_permissions_if_reachable(database, ssh_tunnel):
            try:
                add_permissions(database, ssh_tunnel)
            except Exception as e:  # noqa: BLE001
                print(f"import_bundle: the SQL endpoint did not answer ({str(e)[:120]}); "
                      "imported without its schema permissions (the admin does not need them)")

        database_import.add_permissions = add_permissions_if_reachable
        with override_user(user):
            ImportAssetsCommand(contents).run()
        db.session.commit()
        kinds = {k: sum(1 for n in contents if n.startswith(k + "/")) for k in ("databases", "datasets", "charts", "dashboards")}
        print("import_bundle: imported " + ", ".join(f"{v} {k}" for k, v in kinds.items()))
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    sys.exit(main())
