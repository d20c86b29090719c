object Core
