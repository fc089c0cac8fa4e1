"""torch.backends.mkldnn: OzTorch's CPU kernels do not come from oneDNN through this switch."""
enabled = True


def is_available():
    return False
