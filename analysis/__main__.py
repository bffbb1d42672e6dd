"""`python -m analysis build [NN ...]`: run the notebooks in order and render reports/;
`python -m analysis explore DIR`: serve a build's evidence explorer."""
import sys


def _main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "explore":
        from .explorer import main as explore

        return explore(argv[1:])
    from .build import main

    return main(argv)


if __name__ == "__main__":
    sys.exit(_main())
