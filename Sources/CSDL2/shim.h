// SDL2 from Debian's libsdl2-dev. Included by path so no pkg-config -D_REENTRANT warning.
#define SDL_MAIN_HANDLED 1
#include <SDL2/SDL.h>
