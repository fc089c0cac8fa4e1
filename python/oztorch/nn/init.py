"""torch.nn.init: in-place weight initialisers."""
