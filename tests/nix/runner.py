"""What the NixOS test scripts share: the tally of expectations and the
probe for nix-instantiate."""
import shutil


class Runner:
    def __init__(self):
        self.failures = []

    def expect(self, ok, message):
        print(f"{'ok' if ok else 'FAIL'} {message}")
        if not ok:
            self.failures.append(message)
        return ok

    def exit_status(self):
        """0 when every expectation held, else 1 after saying how many failed."""
        if self.failures:
            print(f"{len(self.failures)} failed")
            return 1
        return 0


def have_nix_instantiate():
    """Whether nix-instantiate is on PATH; says how to install it when not."""
    if shutil.which("nix-instantiate"):
        return True
    print("nix-instantiate is missing (Debian: apt-get install nix-bin)")
    return False
