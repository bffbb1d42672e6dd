"""`python -m analysis build [NN ...]`: run the notebooks in order and render reports/."""
import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
