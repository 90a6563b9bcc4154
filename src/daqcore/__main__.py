"""``python -m daqcore`` runs the command line."""

from daqcore.cli import main

if __name__ == "__main__":
    main()
